namespace FridgeGateway.Alerts;

/// <summary>
/// The alert state of one device, serializable so that it survives a restart. Each alert type keeps
/// the device time (<c>ts</c>) of the last input it used: an older input arriving later (several
/// gateways, a device's offline buffer) cannot move the state backwards (DESIGN rule 6).
/// </summary>
public sealed class DeviceAlertState
{
    public Dictionary<AlertType, AlertSlot> Slots { get; set; } = [];
    /// <summary>The newest device time seen from this device, for the silence check.</summary>
    public DateTimeOffset LastSeen { get; set; }

    public AlertSlot Slot(AlertType type) =>
        Slots.TryGetValue(type, out var slot) ? slot : Slots[type] = new AlertSlot();
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
