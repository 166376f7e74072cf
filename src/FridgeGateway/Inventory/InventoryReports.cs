using System.Buffers;
using System.Text.Json;
using FridgeGateway.Alerts;
using FridgeGateway.Contract;
using FridgeGateway.Sinks;

namespace FridgeGateway.Inventory;

/// <summary>The device reports of the inventory API: the contract payload plus <c>deviceId</c>.</summary>
public static class InventoryReports
{
    public const string SalesPath = "api/v1/device-reports/sales";
    public const string StockCountsPath = "api/v1/device-reports/stock-counts";
    public const string AlertsPath = "api/v1/device-reports/alerts";

    /// <summary>The report for a message, or null when the inventory does not need it.</summary>
    public static SinkItem? For(string topic, DeviceMessage message) => message switch
    {
        KioskSale sale => new SinkItem(topic, sale.IdempotencyKey, Json(w =>
        {
            Common(w, sale);
            w.WriteString("saleId", sale.SaleId);
            if (sale.Payment is not null) w.WriteString("payment", sale.Payment);
            w.WriteStartArray("lines");
            foreach (var line in sale.Lines)
            {
                w.WriteStartObject();
                w.WriteString("sku", line.Sku);
                w.WriteNumber("units", line.Units);
                w.WriteNumber("unitPriceCents", line.UnitPriceCents);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        })),
        StockCount count => new SinkItem(topic, count.IdempotencyKey, Json(w =>
        {
            Common(w, count);
            w.WriteStartArray("items");
            foreach (var item in count.Items)
            {
                w.WriteStartObject();
                w.WriteString("sku", item.Sku);
                w.WriteNumber("units", item.Units);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        })),
        _ => null,
    };

    /// <summary>
    /// An alert transition for the API's alert history and notifications. Its key names the transition
    /// (device, type, raised or cleared, the condition's start): the same transition replayed from the
    /// spool counts once.
    /// </summary>
    public static SinkItem For(AlertTransition t)
    {
        var state = t.Raised ? "raised" : "cleared";
        var key = $"{t.DeviceId}:alert:{t.Type.WireName()}:{state}:{t.StartedAt.ToUnixTimeMilliseconds()}";
        return new SinkItem(AlertMessages.Topic(t), key, Json(w =>
        {
            w.WriteString("deviceId", t.DeviceId);
            w.WriteString("type", t.Type.WireName());
            w.WriteString("state", state);
            w.WriteString("startedAt", Time(t.StartedAt));
            w.WriteString("at", Time(t.At));
            if (t.Peak is { } peak && double.IsFinite(peak)) w.WriteNumber("peak", Math.Round(peak, 3));
            w.WriteString("detail", t.Detail);
        }));
    }

    public static string PathFor(SinkItem item) =>
        item.Topic.Contains("/alerts/", StringComparison.Ordinal) ? AlertsPath
        : item.Topic.EndsWith("/sales", StringComparison.Ordinal) ? SalesPath : StockCountsPath;

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static void Common(Utf8JsonWriter w, DeviceMessage m)
    {
        w.WriteString("deviceId", m.DeviceId);
        w.WriteNumber("seq", m.Seq);
        w.WriteString("ts", Time(m.Timestamp));
        if (m.TimestampSubstituted) w.WriteBoolean("tsSubstituted", true);
    }

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
