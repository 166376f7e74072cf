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
    /// <summary>
    /// The season replay's arrival clock (docs/season.md), in the <c>Season</c> environment only: the topic the replay
    /// publishes the instant it has reached on, in order with the devices' messages. Silence is then checked at each of
    /// its instants instead of on the real clock, so that the <c>offline</c> alerts are those of the season's network,
    /// played thousands of times faster than it happened. Production never sets it (refused at start elsewhere).
    /// </summary>
    public string? SeasonClockTopic { get; set; }

    /// <summary>The environment <see cref="SeasonClockTopic"/> may be set in.</summary>
    public const string SeasonEnvironment = "Season";
}

public sealed class AlertOptionsValidator(IHostEnvironment environment) : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions o)
    {
        var errors = new List<string>();
        if (o.SeasonClockTopic is not null && !environment.IsEnvironment(AlertOptions.SeasonEnvironment))
            errors.Add($"Alerts__SeasonClockTopic moves the silence check onto a replay's clock: only scripts/season may set it, in the '{AlertOptions.SeasonEnvironment}' environment (this is '{environment.EnvironmentName}')");
        if (o.SeasonClockTopic is { } topic && (!topic.StartsWith("coop/v1/gateway/", StringComparison.Ordinal) || topic.AsSpan().IndexOfAny('+', '#') >= 0))
            errors.Add("Alerts__SeasonClockTopic must be a topic under coop/v1/gateway/ without wildcards");
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
