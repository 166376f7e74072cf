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
            new[] { 0, 4, 5, 6, 7, 20, 60 }.Select(failures => SignInThrottle.Lockout(failures)));
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
    public void The_real_person_from_an_address_she_signed_in_from_is_never_locked_out_by_an_attacker()
    {
        var throttle = new SignInThrottle(_time);
        throttle.Succeeded("lea", "198.51.100.2"); // her brewery's office, last week
        _time.Advance(TimeSpan.FromDays(7));
        for (var i = 0; i < 40; i++) throttle.Failed("lea", $"203.0.113.{i}"); // the attacker, from forty addresses

        Assert.NotNull(throttle.Attempt("lea", "203.0.113.99"));
        Assert.Null(throttle.Attempt("lea", "198.51.100.2"));
        _time.Advance(SignInThrottle.KnownFor);
        for (var i = 0; i < 40; i++) throttle.Failed("lea", $"203.0.113.{i}");
        Assert.NotNull(throttle.Attempt("lea", "198.51.100.2")); // a month without signing in there, the office is an address like any other
    }

    [Fact]
    public void Guessing_one_username_from_many_addresses_gets_twenty_free_failures_not_five_per_address()
    {
        var throttle = new SignInThrottle(_time);
        for (var i = 0; i < SignInThrottle.FreeFailuresPerUsername; i++)
        {
            Assert.Null(throttle.Attempt("lea", $"203.0.113.{i}"));
            throttle.Failed("lea", $"203.0.113.{i}");
        }

        Assert.Equal(TimeSpan.FromSeconds(30), throttle.Attempt("lea", "203.0.113.200"));
        Assert.Null(throttle.Attempt("marc", "203.0.113.200"));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(throttle.Attempt("lea", "203.0.113.200"));
        throttle.Failed("lea", "203.0.113.200");
        Assert.Equal(TimeSpan.FromSeconds(60), throttle.Attempt("lea", "203.0.113.201"));
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
    public void A_festival_behind_one_address_signs_in_however_many_people_come()
    {
        var throttle = new SignInThrottle(_time);
        for (var i = 0; i < 500; i++)
        {
            Assert.Null(throttle.Attempt($"benevole{i}", "10.0.0.9"));
            throttle.Succeeded($"benevole{i}", "10.0.0.9");
        }
        Fail(throttle, 4, "benevole500"); // a few typos on the way

        Assert.Null(throttle.Attempt("benevole501", "10.0.0.9"));
    }

    [Fact]
    public void Thirty_failures_a_minute_from_one_address_make_it_wait_except_for_people_known_there()
    {
        var throttle = new SignInThrottle(_time);
        throttle.Succeeded("lea", "10.0.0.9");
        for (var i = 0; i < SignInThrottle.FailuresPerAddressPerMinute; i++) Fail(throttle, 1, $"user{i}");

        Assert.Equal(TimeSpan.FromMinutes(1), throttle.Attempt("user99", "10.0.0.9"));
        Assert.Null(throttle.Attempt("lea", "10.0.0.9"));
        Assert.Null(throttle.Attempt("user99", "10.0.0.10"));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(throttle.Attempt("user99", "10.0.0.9"));
    }
}
