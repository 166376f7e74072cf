using System.Text;
using FridgeGateway.Alerts;
using FridgeGateway.Contract;
using FridgeGateway.Ingestion;
using FridgeGateway.Mqtt;
using FridgeGateway.Observability;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FridgeGateway.UnitTests;

/// <summary>
/// Who evaluates alerts: a gateway alone, every message it receives; a replica, only its alert session's messages
/// and only while it holds the session's tenure (the broker side is proved by the integration suite's ReplicaTests).
/// </summary>
public sealed class AlertSessionTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"alert-session-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 7, 14, 18, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private AlertSession Session(string alertSession, string? seasonClock = null)
    {
        var options = new MqttOptions { AlertSession = alertSession };
        var health = new GatewayHealth(_time, TimeSpan.FromMinutes(2));
        return new AlertSession(
            new MessageParser(TimestampPolicy.Default),
            new AlertEngine(_ => new AlertThresholds()),
            new AlertStateStore(Path.Combine(_dir, "alerts.json")),
            new AlertOwnership(Options.Create(options), health, NullLogger<AlertOwnership>.Instance),
            Options.Create(new BatchOptions()),
            Options.Create(new AlertOptions { SeasonClockTopic = seasonClock }),
            _time);
    }

    private DeviceStatus Offline(string device) => new(device, Online: false, _time.GetUtcNow());

    private InboundMessage PowerLost(int tenure) => new(
        "coop/v1/fridges/fridge-t-01/events",
        Encoding.UTF8.GetBytes("""{"seq":7,"ts":"2026-07-14T17:59:59.000Z","type":"power_lost"}"""),
        _time.GetUtcNow(),
        _ => Task.CompletedTask,
        tenure);

    [Fact]
    public void A_gateway_alone_evaluates_what_it_receives_and_has_no_session_messages()
    {
        var session = Session(alertSession: "");
        var work = new BatchWork([]);

        session.ObserveReceived(Offline("fridge-t-01"), work);
        session.ObserveSessionMessage(PowerLost(tenure: 3), work); // no tenure of its own: not evaluated

        var raised = Assert.Single(work.Transitions);
        Assert.Equal((AlertType.Offline, true), (raised.Type, raised.Raised));
    }

    [Fact]
    public void On_a_season_replays_clock_the_real_clock_checks_no_silence()
    {
        var replay = Session(alertSession: "", seasonClock: "coop/v1/gateway/season-clock");
        var live = Session(alertSession: "");
        var reading = new Reading(DeviceKind.Fridge, "fridge-t-01", 1, _time.GetUtcNow().AddMinutes(-1), false, 3.5, null, null, null, null, null, null, null, null, null);
        foreach (var session in new[] { replay, live }) session.ObserveReceived(reading, new BatchWork([]));
        _time.Advance(TimeSpan.FromDays(120)); // the replay runs months after its messages

        var (replayed, lived) = (new BatchWork([]), new BatchWork([]));
        replay.CheckSilence(replayed);
        live.CheckSilence(lived);
        Assert.DoesNotContain(replayed.Transitions, t => t.Type == AlertType.Offline);
        Assert.Contains(lived.Transitions, t => t.Type == AlertType.Offline && t.Raised);
    }

    [Fact]
    public void A_replica_without_the_session_evaluates_nothing_and_checks_no_silence()
    {
        var session = Session(alertSession: "gateway:alerts");
        var work = new BatchWork([]);

        session.ObserveReceived(Offline("fridge-t-01"), work); // the shared subscription's copy: the holder evaluates it
        session.ObserveSessionMessage(PowerLost(tenure: 1), work);
        _time.Advance(TimeSpan.FromHours(2));

        Assert.Empty(work.Transitions);
        Assert.False(session.CheckSilence(new BatchWork([])));
    }

    [Fact]
    public void The_state_is_saved_with_the_batch_that_changed_an_alerts_course_and_not_without_one()
    {
        var session = Session(alertSession: "");
        var quiet = new BatchWork([]);
        session.SaveIfDue(quiet);
        Assert.Null(quiet.SaveAlertState);

        var work = new BatchWork([]);
        session.ObserveReceived(Offline("fridge-t-01"), work);
        session.SaveIfDue(work);

        Assert.NotNull(work.SaveAlertState);
    }
}
