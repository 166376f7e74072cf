using Microsoft.Extensions.Options;

namespace FridgeGateway.Alerts;

/// <summary>Alert thresholds per kind of device (<c>Alerts__Fridge__HighC</c>, <c>Alerts__Kiosk__DoorOpenFor</c>, …).</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";
    public AlertThresholds Fridge { get; set; } = new();
    public AlertThresholds Kiosk { get; set; } = new();
    /// <summary>How often silence (the <c>offline</c> alert) is checked.</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>How often the alert state is saved even without a transition.</summary>
    public TimeSpan SaveEvery { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions o)
    {
        var errors = new List<string>();
        foreach (var (kind, t) in new[] { ("Fridge", o.Fridge), ("Kiosk", o.Kiosk) })
        {
            if (t.HighClearC > t.HighC) errors.Add($"Alerts__{kind}__HighClearC must not be above Alerts__{kind}__HighC (hysteresis)");
            if (t.LowClearC < t.LowC) errors.Add($"Alerts__{kind}__LowClearC must not be below Alerts__{kind}__LowC (hysteresis)");
            if (t.ReportingInterval <= TimeSpan.Zero) errors.Add($"Alerts__{kind}__ReportingInterval must be positive");
            if (t.SilenceMultiple < 1) errors.Add($"Alerts__{kind}__SilenceMultiple must be >= 1");
        }
        if (o.CheckEvery <= TimeSpan.Zero) errors.Add("Alerts__CheckEvery must be positive");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
