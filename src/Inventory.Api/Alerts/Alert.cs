using Inventory.Api.DeviceReports;
using Inventory.Api.Infrastructure;

namespace Inventory.Api.Alerts;

/// <summary>The alert types of the telemetry contract (<c>coop/v1/alerts/{deviceId}/{alertType}</c>), as the database's CHECK lists them.</summary>
public static class AlertTypes
{
    public static readonly string[] All = ["temperature_high", "temperature_low", "door_open_too_long", "power_lost", "offline"];

    /// <summary>What a person reads for a type in a language (the words are in the pages' resource files).</summary>
    public static string Name(string type, System.Globalization.CultureInfo culture) => Localisation.Language.Word(type, culture);
}

/// <summary>
/// An alert transition the gateway forwards, once per <c>Idempotency-Key: {deviceId}:alert:{type}:{state}:{startedAt ms}</c>.
/// <c>StartedAt</c> is when the condition began (the alert's identity); <c>At</c> when this transition happened.
/// </summary>
public sealed record AlertReport(string? DeviceId, string? Type, string? State, DateTimeOffset? StartedAt, DateTimeOffset? At, double? Peak, string? Detail) : IValidatable
{
    public const int MaxDetailLength = 300;

    /// <summary>
    /// An offline alert's peak is how many minutes the device was silent: a kiosk between two festivals is silent for
    /// weeks (found by the season replay, where a past season's devices were silent 40 days and every alert was refused).
    /// </summary>
    public const double MaxSilentMinutes = 10 * 366 * 24 * 60;

    public void Validate(Validator v) => v
        .Require(DeviceId is not null && Patterns.DeviceId().IsMatch(DeviceId), "deviceId", Patterns.MustBeDeviceId)
        .Require(Type is not null && AlertTypes.All.Contains(Type), "type", $"must be one of {string.Join(", ", AlertTypes.All)}")
        .Require(State is "raised" or "cleared", "state", "must be raised or cleared")
        .Require(StartedAt is not null, "startedAt", "is required (RFC 3339)")
        .Require(At is not null && At >= StartedAt, "at", "is required, on or after startedAt")
        .Require(Peak is null || (double.IsFinite(Peak.Value) && (Type == "offline" ? Peak is >= 0 and <= MaxSilentMinutes : Math.Abs(Peak.Value) <= 10_000)), "peak",
            Type == "offline" ? $"must be the minutes silent, within 0..{MaxSilentMinutes}" : "must be a finite number within ±10000")
        .Require(Detail is null || Detail.Length <= MaxDetailLength, "detail", $"must be at most {MaxDetailLength} characters");

    /// <summary>The key a report must carry: the transition's identity, under the device's own id.</summary>
    public Validator RequireKey(string? idempotencyKey) => new Validator().Require(
        idempotencyKey is not null && StartedAt is { } started && idempotencyKey == $"{DeviceId}:alert:{Type}:{State}:{started.ToUnixTimeMilliseconds()}",
        Idempotency.Header, "must be {deviceId}:alert:{type}:{state}:{startedAt in Unix ms}");
}

public sealed record AlertRecorded(long AlertId, string DeviceId, string Type, string State);

/// <summary>An alert as people see it: where, what, how long, the peak, and who dealt with it.</summary>
public sealed record AlertView(long Id, string DeviceId, string? Location, string? LocationName, string Type, DateTimeOffset RaisedAt, DateTimeOffset? ClearedAt,
    double? DurationMinutes, double? Peak, string Detail, string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt, string? AcknowledgementNote, DateTimeOffset? EscalatedAt);

/// <summary>Someone saw the alert and says what is being done.</summary>
public sealed record Acknowledgement(string? Note) : IValidatable
{
    public const int MaxNoteLength = 500;

    public void Validate(Validator v) => v.Require(Note is null || Note.Length <= MaxNoteLength, "note", $"must be at most {MaxNoteLength} characters");
}

/// <summary>Which alerts: open ones only, one device's, and how many (newest first).</summary>
public sealed record AlertFilter(bool? Open, string? Device, int? Limit) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Device is null || Patterns.DeviceId().IsMatch(Device), "device", Patterns.MustBeDeviceId)
        .Require(Limit is null or (>= 1 and <= 500), "limit", "must be within 1..500");
}
