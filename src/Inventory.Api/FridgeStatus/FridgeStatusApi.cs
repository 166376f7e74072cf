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
    private static readonly Dictionary<string, string> Intervals = new() { ["1m"] = "1m", ["5m"] = "5m", ["15m"] = "15m", ["1h"] = "1h", ["1d"] = "1d" };

    public static RouteGroupBuilder MapFridgeStatusApi(this RouteGroupBuilder api)
    {
        var fridges = api.MapGroup("fridges").WithTags("Fridge status").RequireAuthorization(Policies.People);
        fridges.MapGet("", ListAsync).WithName("ListFridgeStatus").WithSummary("Every fridge and kiosk: latest reading, last seen, active alerts");
        fridges.MapGet("{deviceId}/temperatures", TemperaturesAsync).WithName("GetFridgeTemperatures").WithSummary("Temperature over a period, per interval");
        return api;
    }

    private static async Task<IResult> ListAsync(NpgsqlDataSource db, InfluxReader influx, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT d.device_id, d.kind, l.code, l.name, l.region, d.reporting_interval_s FROM devices d LEFT JOIN locations l ON l.id = d.location_id ORDER BY d.device_id
            """);
        var devices = await command.ListAsync(r => (Id: r.GetString(0), Kind: r.GetString(1), Location: r.IsDBNull(2) ? null : r.GetString(2),
            Name: r.IsDBNull(3) ? null : r.GetString(3), Region: r.IsDBNull(4) ? null : r.GetString(4), Interval: r.GetInt32(5)), ct);
        IReadOnlyList<IReadOnlyList<InfluxSeries>> answer;
        try
        {
            // Each field's last value on its own: with several selectors InfluxQL would not give the time.
            answer = await influx.QueryAsync("""
                SELECT last(temp_c) FROM fridge_reading WHERE time > now() - 30d GROUP BY device;
                SELECT last(door_open) FROM fridge_reading WHERE time > now() - 30d GROUP BY device;
                SELECT last(on_battery) FROM fridge_reading WHERE time > now() - 30d GROUP BY device;
                SELECT last(power_w) FROM fridge_reading WHERE time > now() - 30d GROUP BY device;
                SELECT last(battery_pct) FROM fridge_reading WHERE time > now() - 30d GROUP BY device;
                SELECT last(state) FROM alert WHERE time > now() - 90d GROUP BY device, type;
                SELECT last(detail) FROM alert WHERE time > now() - 90d GROUP BY device, type
                """, ct);
        }
        catch (TelemetryUnavailableException e)
        {
            return TypedResults.Problem(title: "Telemetry unavailable", detail: e.Message, statusCode: 503);
        }
        Dictionary<string, (DateTimeOffset At, JsonElement Value)> Last(int statement) => answer[statement]
            .Where(s => s.Rows.Count > 0)
            .ToDictionary(s => s.Tags["device"], s => (DateTimeOffset.FromUnixTimeMilliseconds(s.Rows[0]["time"].GetInt64()), s.Rows[0]["last"]));
        var temp = Last(0); var door = Last(1); var battery = Last(2); var power = Last(3); var pct = Last(4);
        var details = answer[6].Where(s => s.Rows.Count > 0).ToDictionary(s => (s.Tags["device"], s.Tags["type"]), s => s.Rows[0]["last"].GetString());
        var alerts = answer[5].Where(s => s.Rows.Count > 0 && s.Rows[0]["last"].GetString() == "raised")
            .GroupBy(s => s.Tags["device"])
            .ToDictionary(g => g.Key, g => g.Select(s => new ActiveAlert(s.Tags["type"], DateTimeOffset.FromUnixTimeMilliseconds(s.Rows[0]["time"].GetInt64()),
                details.GetValueOrDefault((g.Key, s.Tags["type"])))).OrderBy(a => a.Type).ToList());

        double? Number(Dictionary<string, (DateTimeOffset, JsonElement Value)> m, string id) => m.TryGetValue(id, out var v) && v.Value.ValueKind == JsonValueKind.Number ? v.Value.GetDouble() : null;
        bool? Flag(Dictionary<string, (DateTimeOffset, JsonElement Value)> m, string id) => m.TryGetValue(id, out var v) && v.Value.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.Value.GetBoolean() : null;
        return TypedResults.Ok(devices.Select(d => new FridgeStatusView(d.Id, d.Kind, d.Location, d.Name, d.Region, d.Interval,
            temp.TryGetValue(d.Id, out var t) ? new LatestReading(t.At, Number(temp, d.Id), Flag(door, d.Id), Flag(battery, d.Id), Number(power, d.Id), Number(pct, d.Id)) : null,
            temp.TryGetValue(d.Id, out var seen) ? seen.At : null,
            alerts.GetValueOrDefault(d.Id) ?? [])).ToList());
    }

    private static async Task<IResult> TemperaturesAsync(string deviceId, DateTimeOffset? from, DateTimeOffset? to, string? every, InfluxReader influx, TimeProvider time, CancellationToken ct)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddHours(-24);
        var v = new Validator()
            .Require(Patterns.DeviceId().IsMatch(deviceId), "deviceId", "must match ^[a-z0-9][a-z0-9-]{2,63}$")
            .Require(start < end, "from", "must be before 'to'")
            .Require(end - start <= TimeSpan.FromDays(366), "from", "a period is at most a year")
            .Require(every is null || Intervals.ContainsKey(every), "every", $"must be one of {string.Join(", ", Intervals.Keys)}");
        if (!v.IsValid) return v.Problem();
        var interval = every ?? ((end - start) <= TimeSpan.FromDays(1) ? "5m" : (end - start) <= TimeSpan.FromDays(7) ? "1h" : "1d");
        try
        {
            // The device id is checked against its pattern (no quote can pass); times are formatted by us.
            var answer = await influx.QueryAsync(
                $"SELECT mean(temp_c), min(temp_c), max(temp_c) FROM fridge_reading WHERE device = '{deviceId}' AND time >= {InfluxReader.Time(start)} AND time < {InfluxReader.Time(end)} GROUP BY time({Intervals[interval]}) fill(none)", ct);
            var rows = answer[0].SelectMany(s => s.Rows).Select(r => new TemperaturePoint(DateTimeOffset.FromUnixTimeMilliseconds(r["time"].GetInt64()),
                Math.Round(r["mean"].GetDouble(), 2), r["min"].GetDouble(), r["max"].GetDouble())).ToList();
            return TypedResults.Ok(rows);
        }
        catch (TelemetryUnavailableException e)
        {
            return TypedResults.Problem(title: "Telemetry unavailable", detail: e.Message, statusCode: 503);
        }
    }
}
