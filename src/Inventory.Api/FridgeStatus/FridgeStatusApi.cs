using System.Text.Json;
using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Inventory.Api.FridgeStatus;

public sealed record LatestReading(DateTimeOffset At, double? TempC, bool? DoorOpen, bool? OnBattery, double? PowerW, double? BatteryPct);
public sealed record ActiveAlert(string Type, DateTimeOffset Since, string? Detail);
public sealed record FridgeStatusView(string DeviceId, string Kind, string? Location, string? LocationName, string? Region, int ReportingIntervalSeconds,
    LatestReading? Latest, DateTimeOffset? LastSeen, IReadOnlyList<ActiveAlert> ActiveAlerts);
public sealed record TemperaturePoint(DateTimeOffset At, double MeanC, double MinC, double MaxC);

/// <summary>Fridge status for people: the last readings, active alerts and temperature history, from InfluxDB.</summary>
public static class FridgeStatusApi
{
    public static RouteGroupBuilder MapFridgeStatusApi(this RouteGroupBuilder api)
    {
        var fridges = api.MapGroup("fridges").WithTags("Fridge status").RequireAuthorization(Policies.People);
        fridges.MapGet("", ListAsync).WithName("ListFridgeStatus").WithSummary("Every fridge and kiosk: latest reading, last seen, active alerts");
        fridges.MapGet("{deviceId}/temperatures", TemperaturesAsync).WithName("GetFridgeTemperatures").WithSummary("Temperature over a period, per interval");
        return api;
    }

    private static async Task<IResult> ListAsync(FleetReader fleet, CancellationToken ct)
    {
        try { return TypedResults.Ok(await fleet.ReadAsync(ct)); }
        catch (TelemetryUnavailableException e) { return TypedResults.Problem(title: "Telemetry unavailable", detail: e.Message, statusCode: 503); }
    }

    private static async Task<IResult> TemperaturesAsync(string deviceId, DateTimeOffset? from, DateTimeOffset? to, string? every, FleetReader fleet, TimeProvider time, CancellationToken ct)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddHours(-24);
        var v = new Validator()
            .Require(Patterns.DeviceId().IsMatch(deviceId), "deviceId", Patterns.MustBeDeviceId)
            .Require(start < end, "from", "must be before 'to'")
            .Require(end - start <= TimeSpan.FromDays(366), "from", "a period is at most a year")
            .Require(every is null || FleetReader.Intervals.ContainsKey(every), "every", $"must be one of {string.Join(", ", FleetReader.Intervals.Keys)}");
        if (!v.IsValid) return v.Problem();
        try { return TypedResults.Ok(await fleet.TemperaturesAsync(deviceId, start, end, every, ct)); }
        catch (TelemetryUnavailableException e) { return TypedResults.Problem(title: "Telemetry unavailable", detail: e.Message, statusCode: 503); }
    }
}
