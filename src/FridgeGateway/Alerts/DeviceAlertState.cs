using FridgeGateway.Contract;

namespace FridgeGateway.Alerts;

/// <summary>
/// The alert state of one device, serializable so that it survives a restart. Each alert type keeps
/// the device time (<c>ts</c>) of the last input it used: an older input arriving later (several
/// gateways, a device's offline buffer) cannot move the state backwards (rule "Order is not assumed").
/// </summary>
public sealed class DeviceAlertState
{
    // The slots twice: keyed by type as they are saved (Slots), and in an array by type for the alert machines, which
    // move up to five of them for every reading (five dictionary look-ups and two enumerations a reading).
    private const int LastType = (int)AlertType.Offline;
    private readonly AlertSlot?[] _byType = new AlertSlot?[LastType + 1];
    private Dictionary<AlertType, AlertSlot> _slots = [];

    /// <summary>The slots by type, as saved; set when read back (a type this gateway does not know is kept, unused).</summary>
    public IReadOnlyDictionary<AlertType, AlertSlot> Slots
    {
        get => _slots;
        init
        {
            _slots = new Dictionary<AlertType, AlertSlot>(value);
            foreach (var (type, slot) in _slots)
                if (type is > 0 and <= (AlertType)LastType) _byType[(int)type] = slot;
        }
    }

    /// <summary>The kind the engine last kept for the device (not saved: the engine keeps kinds apart), so that it writes it only when it changes.</summary>
    internal DeviceKind? KindKept { get; set; }

    /// <summary>The newest device time seen from this device, for the silence check.</summary>
    public DateTimeOffset LastSeen { get; set; }

    public AlertSlot Slot(AlertType type)
    {
        if (_byType[(int)type] is { } slot) return slot;
        var made = new AlertSlot();
        _slots[type] = made;
        return _byType[(int)type] = made;
    }

    /// <summary>How many times the device's alerts changed course (the counters only grow: equal means unchanged).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int CourseChanges
    {
        get
        {
            var moves = 0;
            foreach (var slot in _byType) moves += slot?.CourseChanges ?? 0;
            return moves;
        }
    }
}

public sealed class AlertSlot
{
    private bool _raised;
    private DateTimeOffset? _conditionSince;
    private double? _peak;

    public bool Raised { get => _raised; set { if (_raised != value) CourseChanges++; _raised = value; } }
    /// <summary>When the condition started, while it lasts (raised or still pending).</summary>
    public DateTimeOffset? ConditionSince { get => _conditionSince; set { if (_conditionSince != value) CourseChanges++; _conditionSince = value; } }
    public DateTimeOffset LastInput { get; set; } = DateTimeOffset.MinValue;
    /// <summary>The extreme value seen while raised (see <see cref="AlertTransition.Peak"/>).</summary>
    public double? Peak { get => _peak; set { if (_peak != value) CourseChanges++; _peak = value; } }

    /// <summary>
    /// Counts the changes of the three above, the alert's course: what several replicas must hand over exactly
    /// (saved before the message that caused it is acknowledged). <see cref="LastInput"/> is not counted.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int CourseChanges { get; private set; }
}
