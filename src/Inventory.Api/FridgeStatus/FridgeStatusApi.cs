using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inventory.Api.FridgeStatus;

public sealed record LatestReading(DateTimeOffset At, double? TempC, bool? DoorOpen, bool? OnBattery, double? PowerW, double? BatteryPct);
public sealed record ActiveAlert(string Type, DateTimeOffset Since, string? Detail);
public sealed record FridgeStatusView(string DeviceId, string Kind, string? Location, string? LocationName, string? Region, int ReportingIntervalSeconds,
    LatestReading? Latest, DateTimeOffset? LastSeen, IReadOnlyList<ActiveAlert> ActiveAlerts);
public sealed record TemperaturePoint(DateTimeOffset At, double MeanC, double MinC, double MaxC);

/// <summary>A period of temperature history (the last 24 hours when absent) and its interval (chosen from the period when absent).</summary>
public sealed record TemperaturePeriod(DateTimeOffset? From, DateTimeOffset? To, string? Every) : IValidatable
{
    public const int MaxDays = 366;

    public void Validate(Validator v)
    {
        var (start, end) = Resolve(v.Now);
        v.Require(start < end, "from", "must be before 'to'")
         .Require(end - start <= TimeSpan.FromDays(MaxDays), "from", "a period is at most a year")
         .Require(Every is null || FleetReader.Intervals.ContainsKey(Every), "every", $"must be one of {string.Join(", ", FleetReader.Intervals.Keys)}");
    }

    public (DateTimeOffset Start, DateTimeOffset End) Resolve(DateTimeOffset now)
    {
        var end = To ?? now;
        return (From ?? end.AddHours(-24), end);
    }
}

/// <summary>The routes of fridge status for people: the last readings, active alerts and temperature history, from InfluxDB.</summary>
public static class FridgeStatusApi
{
    public static RouteGroupBuilder MapFridgeStatusApi(this RouteGroupBuilder api)
    {
        var fridges = api.MapGroup("fridges")
            .WithTags("Fridge status")
            .RequireAuthorization(Policies.People)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        fridges.MapGet("", List)
            .WithName("ListFridgeStatus")
            .WithSummary("Every fridge and kiosk: latest reading, last seen, active alerts");
        fridges.MapGet("{deviceId}/temperatures", Temperatures)
            .WithName("GetFridgeTemperatures")
            .WithSummary("Temperature over a period, per interval")
            .ExpensiveRead()
            .WithDescription($"The interval is widened (1m, 5m, 15m, 1h, 1d) until the period holds at most {FleetReader.MaxTemperaturePoints} points.");
        return api;
    }

    private static async Task<Results<Ok<List<FridgeStatusView>>, ProblemHttpResult>> List(FleetReader fleet, CancellationToken ct)
    {
        try { return TypedResults.Ok(await fleet.ReadAsync(ct)); }
        catch (TelemetryUnavailableException e) { return Unavailable(e); }
    }

    private static async Task<Results<Ok<List<TemperaturePoint>>, ValidationProblem, ProblemHttpResult>> Temperatures(string deviceId, [AsParameters] TemperaturePeriod period,
        FleetReader fleet, TimeProvider time, CancellationToken ct)
    {
        if (!Patterns.DeviceId().IsMatch(deviceId)) return Problems.Invalid("deviceId", Patterns.MustBeDeviceId);
        var (start, end) = period.Resolve(time.GetUtcNow());
        try { return TypedResults.Ok(await fleet.TemperaturesAsync(deviceId, start, end, period.Every, ct)); }
        catch (TelemetryUnavailableException e) { return Unavailable(e); }
    }

    private static ProblemHttpResult Unavailable(TelemetryUnavailableException e) => TypedResults.Problem(title: "Telemetry unavailable", detail: e.Message, statusCode: 503);
}
