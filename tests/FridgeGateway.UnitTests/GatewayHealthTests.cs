using FridgeGateway.Observability;
using Microsoft.Extensions.Time.Testing;

namespace FridgeGateway.UnitTests;

public sealed class GatewayHealthTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 7, 14, 18, 0, 0, TimeSpan.Zero));
    private GatewayHealth Health() => new(_time, TimeSpan.FromMinutes(2));

    [Fact]
    public void Loops_that_keep_beating_are_alive()
    {
        var health = Health();
        for (var i = 0; i < 10; i++)
        {
            health.Beat("mqtt");
            health.Beat("processor");
            _time.Advance(TimeSpan.FromMinutes(1));
        }
        Assert.Null(health.Problem(brokerConnected: true));
    }

    [Fact]
    public void A_loop_that_stops_beating_is_stuck_after_the_stall_time()
    {
        var health = Health();
        health.Beat("mqtt");
        health.Beat("processor");
        _time.Advance(TimeSpan.FromMinutes(1));
        health.Beat("mqtt");
        _time.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal("processor loop has not run for 121 s", health.Problem(brokerConnected: true));
    }

    [Fact]
    public void A_loop_that_ended_is_dead_at_once()
    {
        var health = Health();
        health.Ended("processor", "channel closed");
        Assert.Equal("processor loop ended: channel closed", health.Problem(brokerConnected: false));
    }

    [Fact]
    public void A_batch_failing_past_the_stall_time_is_stuck_while_the_broker_is_connected_and_not_once_it_completes()
    {
        var health = Health();
        var batch = new object();
        var other = new object();
        health.BatchFailing(batch, "alert state not saved");
        _time.Advance(TimeSpan.FromMinutes(1));
        health.BatchFailing(batch, "alert state not saved");
        health.BatchFailing(other, "x");
        health.BatchNoLongerFailing(other);
        _time.Advance(TimeSpan.FromSeconds(61));

        Assert.Null(health.Problem(brokerConnected: false)); // nothing to fix by a restart: /readyz says the broker is away
        Assert.Equal("a batch has been failing for 121 s: alert state not saved", health.Problem(brokerConnected: true));
        health.BatchNoLongerFailing(batch);
        Assert.Null(health.Problem(brokerConnected: true));
    }
}
