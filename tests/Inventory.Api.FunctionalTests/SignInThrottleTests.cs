using Inventory.Api.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Inventory.Api.FunctionalTests;

/// <summary>The guessing rules, in pure code with a clock the test moves.</summary>
public sealed class SignInThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 7, 14, 18, 0, 0, TimeSpan.Zero));

    private static void Fail(SignInThrottle throttle, int times, string user = "lea", string address = "10.0.0.9")
    {
        for (var i = 0; i < times; i++)
        {
            Assert.Null(throttle.Attempt(user, address));
            throttle.Failed(user, address);
        }
    }

    [Fact]
    public void Five_failures_are_free_then_the_wait_doubles_up_to_fifteen_minutes()
    {
        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15)],
            new[] { 0, 4, 5, 6, 7, 20, 60 }.Select(SignInThrottle.Lockout));
    }

    [Fact]
    public void A_locked_pair_waits_and_may_try_again_once_the_wait_is_over()
    {
        var throttle = new SignInThrottle(_time);
        Fail(throttle, 5);

        Assert.Equal(TimeSpan.FromSeconds(30), throttle.Attempt("lea", "10.0.0.9"));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.Attempt("lea", "10.0.0.9"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(throttle.Attempt("lea", "10.0.0.9"));
        throttle.Failed("lea", "10.0.0.9");
        Assert.Equal(TimeSpan.FromSeconds(60), throttle.Attempt("lea", "10.0.0.9"));
    }

    [Fact]
    public void The_real_person_from_another_address_is_never_locked_out_by_an_attacker()
    {
        var throttle = new SignInThrottle(_time);
        for (var i = 0; i < 15; i++) throttle.Failed("lea", "203.0.113.7"); // the attacker, as fast as the lockouts allow

        Assert.NotNull(throttle.Attempt("lea", "203.0.113.7"));
        Assert.Null(throttle.Attempt("lea", "198.51.100.2"));
    }

    [Fact]
    public void A_success_or_an_hour_without_failure_forgives()
    {
        var throttle = new SignInThrottle(_time);
        Fail(throttle, 4);
        throttle.Succeeded("lea", "10.0.0.9");
        Fail(throttle, 5); // five free again after the success

        _time.Advance(SignInThrottle.ForgetAfter);
        Assert.Null(throttle.Attempt("lea", "10.0.0.9"));
        throttle.Failed("lea", "10.0.0.9");
        Assert.Null(throttle.Attempt("lea", "10.0.0.9")); // one failure of a fresh count
    }

    [Fact]
    public void One_address_gets_twenty_attempts_a_minute_whatever_the_usernames()
    {
        var throttle = new SignInThrottle(_time);
        for (var i = 0; i < SignInThrottle.AttemptsPerMinute; i++) Assert.Null(throttle.Attempt($"user{i}", "10.0.0.9"));

        Assert.Equal(TimeSpan.FromMinutes(1), throttle.Attempt("user99", "10.0.0.9"));
        Assert.Null(throttle.Attempt("user99", "10.0.0.10"));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(throttle.Attempt("user99", "10.0.0.9"));
    }
}
