using System.Text.Json;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.FridgeStatus;

/// <summary>An alert period of a device, for shading a chart (Until is null while it lasts).</summary>
public sealed record AlertPeriod(string Type, DateTimeOffset From, DateTimeOffset? Until);

/// <summary>A door or power event on a device's timeline.</summary>
public sealed record TimelineEvent(DateTimeOffset At, string Type);

/// <summary>
/// What people see of the devices, read from InfluxDB (telemetry) and PostgreSQL (where each device
/// stands): used by the fridge status API and the dashboard alike.
/// </summary>
public sealed class FleetReader(NpgsqlDataSource db, InfluxReader influx)
{
    public static readonly IReadOnlyDictionary<string, TimeSpan> Intervals = new Dictionary<string, TimeSpan>
    {
        ["1m"] = TimeSpan.FromMinutes(1), ["5m"] = TimeSpan.FromMinutes(5), ["15m"] = TimeSpan.FromMinutes(15), ["1h"] = TimeSpan.FromHours(1), ["1d"] = TimeSpan.FromDays(1),
    };

    /// <summary>The most points a temperature series has: a day at one a minute, what a chart or a person can use.</summary>
    public const int MaxTemperaturePoints = 1440;

    /// <summary>
    /// The interval of a temperature series: the one asked for (else one that suits the period), widened to the
    /// next listed one until the period holds at most <see cref="MaxTemperaturePoints"/>, so that no caller can make
    /// the API buffer a year of minutes (525,600 rows). A year at 1d is 366 points, so one always fits.
    /// </summary>
    public static string TemperatureInterval(DateTimeOffset start, DateTimeOffset end, string? every)
    {
        var span = end - start;
        var asked = every ?? (span <= TimeSpan.FromDays(1) ? "5m" : span <= TimeSpan.FromDays(7) ? "1h" : "1d");
        return Intervals.Where(i => i.Value >= Intervals[asked]).OrderBy(i => i.Value)
            .First(i => Math.Ceiling(span / i.Value) <= MaxTemperaturePoints || i.Key == "1d").Key;
    }

    public async Task<List<FridgeStatusView>> ReadAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT d.device_id, d.kind, l.code, l.name, l.region, d.reporting_interval_s FROM devices d LEFT JOIN locations l ON l.id = d.location_id ORDER BY d.device_id
            """);
        var devices = await command.ListAsync(r => (Id: r.GetString(0), Kind: r.GetString(1), Location: r.IsDBNull(2) ? null : r.GetString(2),
            Name: r.IsDBNull(3) ? null : r.GetString(3), Region: r.IsDBNull(4) ? null : r.GetString(4), Interval: r.GetInt32(5)), ct);
        // Each field's last value on its own: with several selectors InfluxQL would not give the time.
        var answer = await influx.QueryAsync("""
            SELECT last(temp_c) FROM fridge_reading WHERE time > now() - 30d GROUP BY device;
            SELECT last(door_open) FROM fridge_reading WHERE time > now() - 30d GROUP BY device;
            SELECT last(on_battery) FROM fridge_reading WHERE time > now() - 30d GROUP BY device;
            SELECT last(power_w) FROM fridge_reading WHERE time > now() - 30d GROUP BY device;
            SELECT last(battery_pct) FROM fridge_reading WHERE time > now() - 30d GROUP BY device;
            SELECT last(state) FROM alert WHERE time > now() - 90d GROUP BY device, type;
            SELECT last(detail) FROM alert WHERE time > now() - 90d GROUP BY device, type
            """, ct);
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
        return devices.Select(d => new FridgeStatusView(d.Id, d.Kind, d.Location, d.Name, d.Region, d.Interval,
            temp.TryGetValue(d.Id, out var t) ? new LatestReading(t.At, Number(temp, d.Id), Flag(door, d.Id), Flag(battery, d.Id), Number(power, d.Id), Number(pct, d.Id)) : null,
            temp.TryGetValue(d.Id, out var seen) ? seen.At : null,
            alerts.GetValueOrDefault(d.Id) ?? [])).ToList();
    }

    /// <summary>The devices on a festival's kiosks and/or where a brewery's beer stands (either filter may be absent).</summary>
    public async Task<HashSet<string>> DevicesInScopeAsync(string? festival, string? brewery, CancellationToken ct)
    {
        await using var scope = db.Command("""
            SELECT d.device_id FROM devices d
            WHERE ($1::text IS NULL OR d.device_id IN (SELECT a.device_id FROM device_assignments a JOIN kiosks k ON k.id = a.kiosk_id JOIN festivals f ON f.id = k.festival_id WHERE f.code = $1))
              AND ($2::text IS NULL OR d.location_id IN (SELECT s.location_id FROM stock_levels s JOIN beers b ON b.sku = s.sku JOIN breweries br ON br.id = b.brewery_id WHERE br.slug = $2 AND s.units > 0))
            """, Db.Typed(festival, NpgsqlTypes.NpgsqlDbType.Text), Db.Typed(brewery, NpgsqlTypes.NpgsqlDbType.Text));
        return (await scope.ListAsync(r => r.GetString(0), ct)).ToHashSet();
    }

    /// <summary>Mean, min and max temperature per interval; the device id must have been checked against its pattern.</summary>
    public async Task<List<TemperaturePoint>> TemperaturesAsync(string deviceId, DateTimeOffset start, DateTimeOffset end, string? every, CancellationToken ct)
    {
        var interval = TemperatureInterval(start, end, every);
        var answer = await influx.QueryAsync(
            $"SELECT mean(temp_c), min(temp_c), max(temp_c) FROM fridge_reading WHERE {InfluxQl.DeviceIs(deviceId)} AND {InfluxQl.During(start, end)} GROUP BY time({interval}) fill(none)", ct);
        return answer[0].SelectMany(s => s.Rows).Select(r => new TemperaturePoint(DateTimeOffset.FromUnixTimeMilliseconds(r["time"].GetInt64()),
            Math.Round(r["mean"].GetDouble(), 2), r["min"].GetDouble(), r["max"].GetDouble())).ToList();
    }

    /// <summary>Every reading in a period, for the food-safety temperature log (CSV).</summary>
    public async Task<List<(DateTimeOffset At, double TempC, bool? DoorOpen, bool? OnBattery)>> ReadingsAsync(string deviceId, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var answer = await influx.QueryAsync(
            $"SELECT temp_c, door_open, on_battery FROM fridge_reading WHERE {InfluxQl.DeviceIs(deviceId)} AND {InfluxQl.During(start, end)}", ct);
        return answer[0].SelectMany(s => s.Rows).Select(r => (DateTimeOffset.FromUnixTimeMilliseconds(r["time"].GetInt64()), r["temp_c"].GetDouble(),
            r["door_open"].ValueKind is JsonValueKind.True or JsonValueKind.False ? r["door_open"].GetBoolean() : (bool?)null,
            r["on_battery"].ValueKind is JsonValueKind.True or JsonValueKind.False ? r["on_battery"].GetBoolean() : (bool?)null)).ToList();
    }

    /// <summary>Alert periods (raise to clear) that overlap a window, and door and power events in it.</summary>
    public async Task<(List<AlertPeriod> Alerts, List<TimelineEvent> Events)> TimelineAsync(string deviceId, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var answer = await influx.QueryAsync($"""
            SELECT state FROM alert WHERE {InfluxQl.DeviceIs(deviceId)} AND time < {InfluxQl.Time(end)} GROUP BY type;
            SELECT seq FROM device_event WHERE {InfluxQl.DeviceIs(deviceId)} AND {InfluxQl.During(start, end)} AND (type = 'door_opened' OR type = 'door_closed' OR type = 'power_lost' OR type = 'power_restored') GROUP BY type
            """, ct);
        var periods = new List<AlertPeriod>();
        foreach (var series in answer[0])
        {
            DateTimeOffset? raisedAt = null;
            foreach (var row in series.Rows)
            {
                var at = DateTimeOffset.FromUnixTimeMilliseconds(row["time"].GetInt64());
                if (row["state"].GetString() == "raised") raisedAt ??= at;
                else if (raisedAt is { } from) { if (at > start) periods.Add(new AlertPeriod(series.Tags["type"], from, at)); raisedAt = null; }
            }
            if (raisedAt is { } open) periods.Add(new AlertPeriod(series.Tags["type"], open, null));
        }
        var events = answer[1].SelectMany(s => s.Rows.Select(r => new TimelineEvent(DateTimeOffset.FromUnixTimeMilliseconds(r["time"].GetInt64()), s.Tags["type"])))
            .OrderBy(e => e.At).ToList();
        return (periods, events);
    }

    /// <summary>The last shelf count of a device: units per SKU.</summary>
    public async Task<(DateTimeOffset? At, Dictionary<string, int> Units)> LastShelfCountAsync(string deviceId, CancellationToken ct)
    {
        var last = await influx.QueryAsync($"SELECT last(seq) FROM stock_count WHERE {InfluxQl.DeviceIs(deviceId)} AND time > now() - 90d", ct);
        var row = last[0].SelectMany(s => s.Rows).FirstOrDefault();
        if (row is null) return (null, []);
        var at = row["time"].GetInt64();
        // A count's points share its millisecond (the sub-millisecond digits hold its seq).
        var rows = await influx.QueryAsync($"SELECT units FROM stock_count WHERE {InfluxQl.DeviceIs(deviceId)} AND time >= {at}ms AND time < {at + 1}ms GROUP BY sku", ct);
        return (DateTimeOffset.FromUnixTimeMilliseconds(at), rows[0].Where(s => s.Rows.Count > 0).ToDictionary(s => s.Tags["sku"], s => (int)s.Rows[0]["units"].GetDouble()));
    }
}
