using FridgeGateway.Contract;

namespace FridgeGateway.Alerts;

/// <summary>
/// The alert state machines of every device: pure code, ordered by the device's <c>ts</c>, not by
/// arrival. Each observation returns the transitions it caused (raise or clear).
/// </summary>
public sealed class AlertEngine(Func<DeviceKind, AlertThresholds> thresholdsFor)
{
    private readonly Dictionary<string, DeviceAlertState> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceKind> _kinds = new(StringComparer.Ordinal);
    // Devices whose state moved since the last TakeChanges: true when an alert's course changed (a condition
    // began or ended, an alert was raised or cleared, its peak moved), false when only the times seen did.
    private Dictionary<string, bool> _changed = new(StringComparer.Ordinal);
    private Dictionary<string, bool> _changedSpare = new(StringComparer.Ordinal);
    // Per message, the hot path: one list for the transitions, reused; the details' sentences made
    // once per set of thresholds, not three formatted strings for every reading.
    private readonly List<AlertTransition> _transitions = [];
    private readonly Dictionary<DeviceKind, Details> _details = [];

    private sealed record Details(AlertThresholds Limits, string High, string Low, string Door)
    {
        public static Details Of(AlertThresholds t) =>
            new(t, $"above {t.HighC} °C", $"below {t.LowC} °C (freezing)", $"door open longer than {t.DoorOpenFor.TotalMinutes:0} min");
    }

    public IReadOnlyDictionary<string, DeviceAlertState> Devices => _devices;

    /// <summary>Replaces the state with a saved one (at start, or when this replica takes over the alerts).</summary>
    public void Restore(IReadOnlyDictionary<string, DeviceAlertState> saved, IReadOnlyDictionary<string, DeviceKind> kinds)
    {
        _devices.Clear();
        _kinds.Clear();
        _changed.Clear();
        _changedSpare.Clear();
        foreach (var (device, kind) in kinds) _kinds[device] = kind;
        foreach (var (device, state) in saved)
        {
            _devices[device] = state;
            state.KindKept = _kinds.TryGetValue(device, out var kind) ? kind : null;
        }
    }

    /// <summary>
    /// The devices whose state changed since the last call, each with whether an alert's course changed
    /// (what must be saved before the message is acknowledged) or only the times seen (saved now and then).
    /// Valid until the next call: taken once a batch, so the two sets are swapped rather than copied.
    /// </summary>
    public IReadOnlyDictionary<string, bool> TakeChanges()
    {
        (_changed, _changedSpare) = (_changedSpare, _changed);
        _changed.Clear();
        return _changedSpare;
    }

    public IReadOnlyDictionary<string, DeviceKind> Kinds => _kinds;

    public IReadOnlyList<AlertTransition> Observe(DeviceMessage message)
    {
        var state = StateOf(message.DeviceId);
        var course = state.CourseChanges;
        if (state.KindKept != message.Kind)
        {
            state.KindKept = message.Kind;
            _kinds[message.DeviceId] = message.Kind;
        }
        var limits = thresholdsFor(message.Kind);
        var details = _details.TryGetValue(message.Kind, out var known) && ReferenceEquals(known.Limits, limits) ? known : _details[message.Kind] = Details.Of(limits);
        var ts = message.Timestamp;
        var transitions = _transitions;
        transitions.Clear();
        if (ts > state.LastSeen) state.LastSeen = ts;

        // Any message from the device means it is back.
        Clear(message.DeviceId, state.Slot(AlertType.Offline), AlertType.Offline, ts, null, "device reporting again", transitions, ordered: false);

        switch (message)
        {
            case Reading r:
                Sustained(r.DeviceId, state.Slot(AlertType.TemperatureHigh), AlertType.TemperatureHigh, ts,
                    active: r.TempC > limits.HighC, cleared: r.TempC < limits.HighClearC, limits.HighFor, r.TempC,
                    details.High, transitions);
                Sustained(r.DeviceId, state.Slot(AlertType.TemperatureLow), AlertType.TemperatureLow, ts,
                    active: r.TempC < limits.LowC, cleared: r.TempC > limits.LowClearC, limits.LowFor, r.TempC,
                    details.Low, transitions);
                if (r.DoorOpen is { } open) Door(r.DeviceId, state, ts, open, limits, details.Door, transitions);
                if (r.OnBattery is { } onBattery) Power(r.DeviceId, state, ts, lost: onBattery, transitions);
                break;
            case DeviceEvent { Type: "door_opened" } e: Door(e.DeviceId, state, ts, open: true, limits, details.Door, transitions); break;
            case DeviceEvent { Type: "door_closed" } e: Door(e.DeviceId, state, ts, open: false, limits, details.Door, transitions); break;
            case DeviceEvent { Type: "power_lost" } e: Power(e.DeviceId, state, ts, lost: true, transitions); break;
            case DeviceEvent { Type: "power_restored" } e: Power(e.DeviceId, state, ts, lost: false, transitions); break;
        }
        Changed(message.DeviceId, state, course);
        return transitions.Count == 0 ? [] : transitions.ToArray();
    }

    public IReadOnlyList<AlertTransition> Observe(DeviceStatus status)
    {
        var state = StateOf(status.DeviceId);
        var course = state.CourseChanges;
        var slot = state.Slot(AlertType.Offline);
        var transitions = new List<AlertTransition>();
        if (status.Online)
            Clear(status.DeviceId, slot, AlertType.Offline, status.ReceivedAt, null, "device online", transitions, ordered: false);
        else
            Raise(status.DeviceId, slot, AlertType.Offline, status.ReceivedAt, status.ReceivedAt, null, "device reported offline (MQTT will)", transitions);
        Changed(status.DeviceId, state, course);
        return transitions;
    }

    /// <summary>Raises <c>offline</c> for devices silent for longer than their kind allows.</summary>
    public IReadOnlyList<AlertTransition> Tick(DateTimeOffset now)
    {
        var transitions = new List<AlertTransition>();
        foreach (var (device, state) in _devices)
        {
            if (state.LastSeen == default) continue;
            var limit = thresholdsFor(_kinds.GetValueOrDefault(device, DeviceKind.Fridge)).SilenceLimit;
            var silent = now - state.LastSeen;
            if (silent > limit && !state.Slot(AlertType.Offline).Raised)
            {
                Raise(device, state.Slot(AlertType.Offline), AlertType.Offline, now, state.LastSeen, silent.TotalMinutes,
                    $"silent for {silent.TotalMinutes:0} min (limit {limit.TotalMinutes:0} min)", transitions);
                _changed[device] = true;
            }
        }
        return transitions;
    }

    private void Changed(string device, DeviceAlertState state, int courseBefore)
    {
        // Once per message: one look-up, and a course change once seen stays until taken.
        ref var course = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_changed, device, out _);
        course |= state.CourseChanges != courseBefore;
    }

    private DeviceAlertState StateOf(string device) =>
        _devices.TryGetValue(device, out var state) ? state : _devices[device] = new DeviceAlertState();

    /// <summary>A condition that must hold for a while before it raises (temperature, door).</summary>
    private static void Sustained(string device, AlertSlot slot, AlertType type, DateTimeOffset ts, bool active, bool cleared,
        TimeSpan holdFor, double value, string detail, List<AlertTransition> transitions)
    {
        if (ts < slot.LastInput) return; // older than what this machine already used: out of order
        slot.LastInput = ts;
        if (!slot.Raised)
        {
            if (!active) { slot.ConditionSince = null; return; }
            slot.ConditionSince ??= ts;
            if (ts - slot.ConditionSince.Value >= holdFor)
                Raise(device, slot, type, ts, slot.ConditionSince.Value, value, detail, transitions);
        }
        else if (cleared)
        {
            Clear(device, slot, type, ts, value, "back within limits", transitions, ordered: true);
        }
        else
        {
            // Still raised: the warmest (or, for freezing, the coldest) value so far.
            slot.Peak = slot.Peak is not { } peak ? value : type == AlertType.TemperatureLow ? Math.Min(peak, value) : Math.Max(peak, value);
        }
    }

    private static void Door(string device, DeviceAlertState state, DateTimeOffset ts, bool open, AlertThresholds limits, string detail,
        List<AlertTransition> transitions)
    {
        var slot = state.Slot(AlertType.DoorOpenTooLong);
        var openFor = open && slot.ConditionSince is { } since ? (ts - since).TotalMinutes : 0;
        Sustained(device, slot, AlertType.DoorOpenTooLong, ts, active: open, cleared: !open, limits.DoorOpenFor, openFor, detail, transitions);
    }

    private static void Power(string device, DeviceAlertState state, DateTimeOffset ts, bool lost, List<AlertTransition> transitions)
    {
        var slot = state.Slot(AlertType.PowerLost);
        if (ts < slot.LastInput) return;
        slot.LastInput = ts;
        if (lost) Raise(device, slot, AlertType.PowerLost, ts, ts, null, "on battery / power lost", transitions);
        else Clear(device, slot, AlertType.PowerLost, ts, null, "power restored", transitions, ordered: true);
    }

    private static void Raise(string device, AlertSlot slot, AlertType type, DateTimeOffset at, DateTimeOffset since, double? value,
        string detail, List<AlertTransition> transitions)
    {
        if (slot.Raised) return;
        slot.Raised = true;
        slot.ConditionSince = since;
        slot.Peak = value;
        if (at > slot.LastInput) slot.LastInput = at;
        transitions.Add(new AlertTransition(device, type, true, at, since, value, detail, since, value));
    }

    private static void Clear(string device, AlertSlot slot, AlertType type, DateTimeOffset at, double? value, string detail,
        List<AlertTransition> transitions, bool ordered)
    {
        if (!slot.Raised) { if (!ordered) slot.ConditionSince = null; return; }
        if (ordered && at < slot.LastInput) return;
        var (startedAt, peak) = (slot.ConditionSince ?? at, slot.Peak);
        // Offline ends with any message, and the first one after a reconnection is the oldest of the device's buffer,
        // dated before the alert began: the alert ends when it began at the earliest, never before (a clear dated
        // before its start is refused by the inventory API and the alert would stay open there).
        if (at < startedAt) at = startedAt;
        slot.Raised = false;
        slot.ConditionSince = null;
        slot.Peak = null;
        if (at > slot.LastInput) slot.LastInput = at;
        transitions.Add(new AlertTransition(device, type, false, at, at, value, detail, startedAt, peak));
    }
}
