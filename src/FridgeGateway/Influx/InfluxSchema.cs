using FridgeGateway.Alerts;
using FridgeGateway.Contract;

namespace FridgeGateway.Influx;

/// <summary>
/// The InfluxDB schema that dashboards and users' Grafana rely on (docs/influx-schema.md).
/// Each message becomes one line per point; a message's lines are kept together so that a point
/// rejected by InfluxDB can be traced to its message.
/// </summary>
public static class InfluxSchema
{
    /// <summary>
    /// Nanoseconds from the message's millisecond <c>ts</c>, with <c>seq</c> in the sub-millisecond
    /// digits: two messages of one device in the same millisecond do not overwrite each other, while a
    /// redelivered message lands on the same timestamp and overwrites itself (rule 2: counts once).
    /// </summary>
    public static long PointTime(DateTimeOffset ts, long seq) =>
        ts.ToUnixTimeMilliseconds() * 1_000_000 + seq % 1_000_000;

    /// <summary>About what one message's lines take (a reading with its usual fields: 150-200 bytes), to size buffers.</summary>
    public const int TypicalLineBytes = 192;

    public static string KindTag(DeviceKind kind) => kind == DeviceKind.Fridge ? "fridge" : "kiosk";

    /// <summary>A message's lines, UTF-8, written into the batch's <paramref name="chunks"/>.</summary>
    public static ReadOnlyMemory<byte> ToLines(DeviceMessage message, Utf8Chunks chunks)
    {
        var lines = new LineProtocolBuilder();
        var time = PointTime(message.Timestamp, message.Seq);
        switch (message)
        {
            case Reading r:
                lines.Measurement("fridge_reading").Tag("device", r.DeviceId).Tag("kind", KindTag(r.Kind))
                    .Field("temp_c", r.TempC).Field("ambient_c", r.AmbientC).Field("door_open", r.DoorOpen)
                    .Field("compressor_on", r.CompressorOn).Field("power_w", r.PowerW).Field("on_battery", r.OnBattery)
                    .Field("battery_pct", r.BatteryPct).Field("rssi", r.Rssi).Field("lat", r.Lat).Field("lon", r.Lon)
                    .Field("seq", r.Seq).Field("ts_substituted", r.TimestampSubstituted)
                    .Timestamp(time);
                break;
            case DeviceEvent e:
                lines.Measurement("device_event").Tag("device", e.DeviceId).Tag("kind", KindTag(e.Kind)).Tag("type", e.Type)
                    .Field("seq", e.Seq).Field("detail", e.Detail).Field("ts_substituted", e.TimestampSubstituted)
                    .Timestamp(time);
                break;
            case StockCount s:
                foreach (var item in s.Items)
                    lines.Measurement("stock_count").Tag("device", s.DeviceId).Tag("kind", KindTag(s.Kind)).Tag("sku", item.Sku)
                        .Field("units", (long)item.Units).Field("seq", s.Seq).Field("ts_substituted", s.TimestampSubstituted)
                        .Timestamp(time);
                break;
            case KioskSale k:
                // Lines of one sale share a time; the sku tag keeps them apart.
                foreach (var line in k.Lines)
                    lines.Measurement("kiosk_sale").Tag("device", k.DeviceId).Tag("sku", line.Sku)
                        .Field("units", (long)line.Units).Field("unit_price_cents", line.UnitPriceCents)
                        .Field("sale_id", k.SaleId).Field("payment", k.Payment).Field("seq", k.Seq)
                        .Field("ts_substituted", k.TimestampSubstituted)
                        .Timestamp(time);
                break;
        }
        return lines.CopyTo(chunks);
    }

    public static ReadOnlyMemory<byte> ToLines(AlertTransition alert, Utf8Chunks chunks)
    {
        return new LineProtocolBuilder()
            .Measurement("alert").Tag("device", alert.DeviceId).Tag("type", alert.Type.WireName())
            .Field("state", alert.Raised ? "raised" : "cleared").Field("value", alert.Value).Field("detail", alert.Detail)
            .Timestamp(alert.At.ToUnixTimeMilliseconds() * 1_000_000 + (long)alert.Type)
            .CopyTo(chunks);
    }
}
