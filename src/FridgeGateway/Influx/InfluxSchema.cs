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
    /// redelivered message lands on the same timestamp and overwrites itself (rule "Everything counts once").
    /// </summary>
    public static long PointTime(DateTimeOffset ts, long seq) =>
        ts.ToUnixTimeMilliseconds() * 1_000_000 + seq % 1_000_000;

    /// <summary>About what one message's lines take (a reading with its usual fields: 150-200 bytes), to size buffers.</summary>
    public const int TypicalLineBytes = 192;

    public static string KindTag(DeviceKind kind) => kind == DeviceKind.Fridge ? "fridge" : "kiosk";

    /// <summary>The schema's tag and field keys, each escaped and encoded once.</summary>
    private static class Keys
    {
        public static readonly LineProtocolKey Device = "device";
        public static readonly LineProtocolKey Kind = "kind";
        public static readonly LineProtocolKey Type = "type";
        public static readonly LineProtocolKey Sku = "sku";
        public static readonly LineProtocolKey TempC = "temp_c";
        public static readonly LineProtocolKey AmbientC = "ambient_c";
        public static readonly LineProtocolKey DoorOpen = "door_open";
        public static readonly LineProtocolKey CompressorOn = "compressor_on";
        public static readonly LineProtocolKey PowerW = "power_w";
        public static readonly LineProtocolKey OnBattery = "on_battery";
        public static readonly LineProtocolKey BatteryPct = "battery_pct";
        public static readonly LineProtocolKey Rssi = "rssi";
        public static readonly LineProtocolKey Lat = "lat";
        public static readonly LineProtocolKey Lon = "lon";
        public static readonly LineProtocolKey Seq = "seq";
        public static readonly LineProtocolKey TsSubstituted = "ts_substituted";
        public static readonly LineProtocolKey Detail = "detail";
        public static readonly LineProtocolKey Units = "units";
        public static readonly LineProtocolKey UnitPriceCents = "unit_price_cents";
        public static readonly LineProtocolKey SaleId = "sale_id";
        public static readonly LineProtocolKey Payment = "payment";
        public static readonly LineProtocolKey State = "state";
        public static readonly LineProtocolKey Value = "value";
    }

    /// <summary>A message's lines, UTF-8, written into the batch's <paramref name="chunks"/>.</summary>
    public static ReadOnlyMemory<byte> ToLines(DeviceMessage message, Utf8Chunks chunks)
    {
        var lines = new LineProtocolBuilder();
        var time = PointTime(message.Timestamp, message.Seq);
        switch (message)
        {
            case Reading r:
                lines.Measurement("fridge_reading").Tag(Keys.Device, r.DeviceId).Tag(Keys.Kind, KindTag(r.Kind))
                    .Field(Keys.TempC, r.TempC).Field(Keys.AmbientC, r.AmbientC).Field(Keys.DoorOpen, r.DoorOpen)
                    .Field(Keys.CompressorOn, r.CompressorOn).Field(Keys.PowerW, r.PowerW).Field(Keys.OnBattery, r.OnBattery)
                    .Field(Keys.BatteryPct, r.BatteryPct).Field(Keys.Rssi, r.Rssi).Field(Keys.Lat, r.Lat).Field(Keys.Lon, r.Lon)
                    .Field(Keys.Seq, r.Seq).Field(Keys.TsSubstituted, r.TimestampSubstituted)
                    .Timestamp(time);
                break;
            case DeviceEvent e:
                lines.Measurement("device_event").Tag(Keys.Device, e.DeviceId).Tag(Keys.Kind, KindTag(e.Kind)).Tag(Keys.Type, e.Type)
                    .Field(Keys.Seq, e.Seq).Field(Keys.Detail, e.Detail).Field(Keys.TsSubstituted, e.TimestampSubstituted)
                    .Timestamp(time);
                break;
            case StockCount s:
                foreach (var item in s.Items)
                    lines.Measurement("stock_count").Tag(Keys.Device, s.DeviceId).Tag(Keys.Kind, KindTag(s.Kind)).Tag(Keys.Sku, item.Sku)
                        .Field(Keys.Units, (long)item.Units).Field(Keys.Seq, s.Seq).Field(Keys.TsSubstituted, s.TimestampSubstituted)
                        .Timestamp(time);
                break;
            case KioskSale k:
                // Lines of one sale share a time; the sku tag keeps them apart.
                foreach (var line in k.Lines)
                    lines.Measurement("kiosk_sale").Tag(Keys.Device, k.DeviceId).Tag(Keys.Sku, line.Sku)
                        .Field(Keys.Units, (long)line.Units).Field(Keys.UnitPriceCents, line.UnitPriceCents)
                        .Field(Keys.SaleId, k.SaleId).Field(Keys.Payment, k.Payment).Field(Keys.Seq, k.Seq)
                        .Field(Keys.TsSubstituted, k.TimestampSubstituted)
                        .Timestamp(time);
                break;
        }
        return lines.CopyTo(chunks);
    }

    public static ReadOnlyMemory<byte> ToLines(AlertTransition alert, Utf8Chunks chunks)
    {
        return new LineProtocolBuilder()
            .Measurement("alert").Tag(Keys.Device, alert.DeviceId).Tag(Keys.Type, alert.Type.WireName())
            .Field(Keys.State, alert.Raised ? "raised" : "cleared").Field(Keys.Value, alert.Value).Field(Keys.Detail, alert.Detail)
            .Timestamp(alert.At.ToUnixTimeMilliseconds() * 1_000_000 + (long)alert.Type)
            .CopyTo(chunks);
    }
}
