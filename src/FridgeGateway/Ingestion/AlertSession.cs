using FridgeGateway.Alerts;
using FridgeGateway.Contract;
using FridgeGateway.Mqtt;
using Microsoft.Extensions.Options;

namespace FridgeGateway.Ingestion;

/// <summary>
/// The alert machines as the batch writer drives them. One gateway: they see every message it receives. Several
/// replicas: only the holder of the alert session evaluates, from the messages of that session, and only for the
/// tenure the engine was restored for; a message of an ended tenure is left for the next holder. The state is
/// saved with every change of an alert's course (and the rest now and then), a copy taken in order and written
/// before the batch is acknowledged.
/// </summary>
public sealed class AlertSession(
    MessageParser parser,
    AlertEngine alerts,
    IAlertStateKeeper alertState,
    AlertOwnership ownership,
    IOptions<BatchOptions> batchSettings,
    IOptions<AlertOptions> alertSettings,
    TimeProvider time)
{
    private readonly BatchOptions batchOptions = batchSettings.Value;
    private readonly AlertOptions alertOptions = alertSettings.Value;
    private DateTimeOffset _lastSave = DateTimeOffset.MinValue;
    // Several replicas: the alert tenure the engine was restored for, and the redeliveries seen through it.
    private int _tenure;
    private RecentSequences _sessionRecent = new(batchSettings.Value.RememberedPerDevice, batchSettings.Value.RememberedDevices);

    /// <summary>Whether this gateway evaluates alerts now: always alone; with replicas, while it holds the session of its tenure.</summary>
    private bool Evaluates => !ownership.Enabled || (_tenure != 0 && ownership.Tenure == _tenure);

    /// <summary>A new alert tenure starts from its predecessor's saved state, before any of its messages.</summary>
    public void BeginTenureIfAny()
    {
        if (ownership.TakeBegun() is not { } tenure) return;
        alerts.Restore(tenure.Devices, tenure.Kinds);
        _sessionRecent = new RecentSequences(batchOptions.RememberedPerDevice, batchOptions.RememberedDevices);
        _tenure = tenure.Number;
        _lastSave = DateTimeOffset.MinValue;
    }

    /// <summary>A status received on the shared subscription: evaluated here only when this gateway is alone.</summary>
    internal void ObserveReceived(DeviceStatus status, BatchWork work)
    {
        if (!ownership.Enabled) work.Transitions.AddRange(alerts.Observe(status));
    }

    /// <summary>A new message received on the shared subscription: evaluated here only when this gateway is alone.</summary>
    internal void ObserveReceived(DeviceMessage message, BatchWork work)
    {
        if (!ownership.Enabled) work.Transitions.AddRange(alerts.Observe(message));
    }

    /// <summary>
    /// A message of the alert session feeds the alert machines only (the shared subscription writes it and
    /// dead-letters it if bad). One from a tenure that has ended is not evaluated, and its acknowledgement has no
    /// session left to go to: the next holder gets it again.
    /// </summary>
    internal void ObserveSessionMessage(InboundMessage message, BatchWork work)
    {
        if (message.AlertTenure != _tenure || !Evaluates) return;
        if (IsSeasonClock(message.Topic)) { SeasonTick(message, work); return; }
        var result = parser.Parse(message.Topic, message.Payload.Span, message.ReceivedAt);
        if (result.Status is { } status) work.Transitions.AddRange(alerts.Observe(status));
        else if (result.Message is { } parsed && _sessionRecent.Add(parsed.DeviceId, parsed.Seq, parsed.DeviceTime))
            work.Transitions.AddRange(alerts.Observe(parsed));
    }

    /// <summary>Whether a message is a tick of the season replay's arrival clock (<see cref="AlertOptions.SeasonClockTopic"/>).</summary>
    internal bool IsSeasonClock(string topic) => alertOptions.SeasonClockTopic is { } clock && topic == clock;

    /// <summary>A tick of the season's clock received on the shared subscription: the silence check there only when this gateway is alone.</summary>
    internal void ObserveSeasonClock(InboundMessage message, BatchWork work)
    {
        if (!ownership.Enabled) SeasonTick(message, work);
    }

    /// <summary>The devices silent at the instant the season's clock says (its payload, ISO 8601 with its offset); anything else is ignored.</summary>
    private void SeasonTick(InboundMessage message, BatchWork work)
    {
        if (DateTimeOffset.TryParse(System.Text.Encoding.UTF8.GetString(message.Payload.Span), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var now))
            work.Transitions.AddRange(alerts.Tick(now));
    }

    /// <summary>The devices gone silent since the last check, when this gateway evaluates; false when there is nothing to do.</summary>
    internal bool CheckSilence(BatchWork work)
    {
        BeginTenureIfAny();
        if (!Evaluates) return false;
        // A season replay checks silence at its own clock's ticks only: the real clock is months past its messages.
        if (alertOptions.SeasonClockTopic is null) work.Transitions.AddRange(alerts.Tick(time.GetUtcNow()));
        SaveIfDue(work);
        return work.Transitions.Count > 0 || work.SaveAlertState is not null;
    }

    /// <summary>The state to save with this batch: the changed devices, and every device now and then.</summary>
    internal void SaveIfDue(BatchWork work)
    {
        var periodic = time.GetUtcNow() - _lastSave > alertOptions.SaveEvery;
        if (periodic) _lastSave = time.GetUtcNow();
        work.SaveAlertState = alertState.Copy(alerts, periodic);
    }
}
