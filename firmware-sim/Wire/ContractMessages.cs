using System.Globalization;
using System.Text.Json;

namespace FirmwareSim.Wire;

/// <summary>
/// The payloads of telemetry contract v1, written as real firmware would (this project shares only
/// the wire contract with src/, not code, so a drift shows up in the end-to-end tests).
/// </summary>
public static class ContractMessages
{
    public static string Ts(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static byte[] Telemetry(long seq, DateTimeOffset ts, double tempC, double ambientC, bool doorOpen, bool compressorOn,
        double powerW, bool onBattery, double batteryPct, int rssi, (double Lat, double Lon)? position) => Write(w =>
    {
        Header(w, seq, ts);
        w.WriteNumber("tempC", Math.Round(tempC, 2));
        w.WriteNumber("ambientC", Math.Round(ambientC, 2));
        w.WriteBoolean("doorOpen", doorOpen);
        w.WriteBoolean("compressorOn", compressorOn);
        w.WriteNumber("powerW", Math.Round(powerW, 1));
        w.WriteBoolean("onBattery", onBattery);
        w.WriteNumber("batteryPct", Math.Round(batteryPct, 1));
        w.WriteNumber("rssi", rssi);
        if (position is { } p) { w.WriteNumber("lat", p.Lat); w.WriteNumber("lon", p.Lon); }
    });

    /// <summary>A fridge's periodic reading with its temperature and whether it runs on battery only (the season's fridges).</summary>
    public static byte[] Reading(long seq, DateTimeOffset ts, double tempC, bool onBattery) => Write(w =>
    {
        Header(w, seq, ts);
        w.WriteNumber("tempC", Math.Round(tempC, 2));
        w.WriteBoolean("onBattery", onBattery);
    });

    public static byte[] Event(long seq, DateTimeOffset ts, string type, string? detail = null) => Write(w =>
    {
        Header(w, seq, ts);
        w.WriteString("type", type);
        if (detail is not null) w.WriteString("detail", detail);
    });

    public static byte[] Stock(long seq, DateTimeOffset ts, IEnumerable<KeyValuePair<string, int>> units) => Write(w =>
    {
        Header(w, seq, ts);
        w.WriteStartArray("items");
        foreach (var (sku, count) in units.Where(u => u.Value > 0).OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("sku", sku);
            w.WriteNumber("units", count);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    public static byte[] Sale(long seq, DateTimeOffset ts, string saleId, IEnumerable<(string Sku, int Units, long UnitPriceCents)> lines, string payment) => Write(w =>
    {
        Header(w, seq, ts);
        w.WriteString("saleId", saleId);
        w.WriteStartArray("lines");
        foreach (var (sku, units, price) in lines)
        {
            w.WriteStartObject();
            w.WriteString("sku", sku);
            w.WriteNumber("units", units);
            w.WriteNumber("unitPriceCents", price);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("payment", payment);
    });

    private static void Header(Utf8JsonWriter w, long seq, DateTimeOffset ts)
    {
        w.WriteNumber("seq", seq);
        w.WriteString("ts", Ts(ts));
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}

/// <summary>One message a device wants to publish.</summary>
public sealed record Outgoing(string Topic, byte[] Payload, bool Retain = false);
