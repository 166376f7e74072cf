using System.Text;
using FridgeGateway.Contract;
using FrigoCoop.Telemetry;

namespace FridgeGateway.UnitTests;

public sealed class MessageParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 14, 18, 5, 0, TimeSpan.Zero);
    private readonly MessageParser _parser = new(TimestampPolicy.Default);

    private ParseResult Parse(string topic, string json) => _parser.Parse(topic, Encoding.UTF8.GetBytes(json), Now);

    [Fact]
    public void A_full_fridge_reading_is_parsed_with_every_field()
    {
        var result = Parse("coop/v1/fridges/fridge-stfut-01/telemetry",
            """{"seq": 1842, "ts": "2026-07-14T18:03:12.250Z", "tempC": 3.6, "ambientC": 27.1, "doorOpen": false, "compressorOn": true, "powerW": 92.5, "onBattery": false, "batteryPct": 100, "rssi": -61, "extra": {"ignored": true}}""");

        var reading = Assert.IsType<Reading>(result.Message);
        Assert.Equal(("fridge-stfut-01", DeviceKind.Fridge, 1842L), (reading.DeviceId, reading.Kind, reading.Seq));
        Assert.Equal(new DateTimeOffset(2026, 7, 14, 18, 3, 12, 250, TimeSpan.Zero), reading.Timestamp);
        Assert.False(reading.TimestampSubstituted);
        Assert.Equal((3.6, 27.1, false, true, 92.5, false, 100.0, -61.0), (reading.TempC, reading.AmbientC, reading.DoorOpen, reading.CompressorOn, reading.PowerW, reading.OnBattery, reading.BatteryPct, reading.Rssi));
    }

    [Fact]
    public void A_kiosk_sale_and_a_stock_count_are_parsed()
    {
        var sale = Assert.IsType<KioskSale>(Parse("coop/v1/kiosks/kiosk-fest-07/sales",
            """{"seq": 77, "ts": "2026-07-14T18:03:12.250Z", "saleId": "kiosk-fest-07-000077", "lines": [{"sku": "STFUT-EPAULE-473", "units": 2, "unitPriceCents": 900}], "payment": "card"}""").Message);
        Assert.Equal(new SaleLine("STFUT-EPAULE-473", 2, 900), Assert.Single(sale.Lines));
        Assert.Equal(("kiosk-fest-07-000077", "card", DeviceKind.Kiosk), (sale.SaleId, sale.Payment, sale.Kind));

        var count = Assert.IsType<StockCount>(Parse("coop/v1/fridges/fridge-stfut-01/stock",
            """{"seq": 1850, "items": [{"sku": "STFUT-EPAULE-473", "units": 11}, {"sku": "AUBE-IPA-355", "units": 0}]}""").Message);
        Assert.Equal([new StockItem("STFUT-EPAULE-473", 11), new StockItem("AUBE-IPA-355", 0)], count.Items);
    }

    [Fact]
    public void Status_messages_are_online_or_offline()
    {
        Assert.True(Parse("coop/v1/devices/fridge-stfut-01/status", "online").Status!.Online);
        Assert.False(Parse("coop/v1/devices/fridge-stfut-01/status", "\"offline\"").Status!.Online);
        Assert.Equal("status must be 'online' or 'offline'", Parse("coop/v1/devices/fridge-stfut-01/status", "maybe").Rejection);
    }

    [Theory]
    [InlineData("coop/v1/fridges/fridge-stfut-01/telemetry", """{"seq": 1, "tempC": 3.""", "invalid JSON")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/telemetry", """{"seq": 1, "tempC": "warm"}""", "tempC has the wrong type: expected a number")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/telemetry", """{"seq": "1", "tempC": 3}""", "seq has the wrong type: expected an integer")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/telemetry", """{"seq": 1.5, "tempC": 3}""", "seq has the wrong type: expected an integer")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/telemetry", """{"seq": 1, "tempC": 3, "doorOpen": "no"}""", "doorOpen has the wrong type: expected true or false")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/telemetry", """{"tempC": 3}""", "seq is required")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/telemetry", """{"seq": -1, "tempC": 3}""", "seq must be an integer >= 0")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/telemetry", """{"seq": 1}""", "tempC is required")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/telemetry", """{"seq": 1, "tempC": 75}""", "tempC 75 is outside -40..60")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/telemetry", """{"seq": 1, "tempC": 3, "rssi": 5}""", "rssi 5 is outside -130..0")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/telemetry", """{"seq": 1, "tempC": 3, "seq": 2}""", "invalid JSON: a property appears twice")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/telemetry", """[1, 2]""", "invalid JSON")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/telemetry", """{"seq": 1, "tempC": 3, "ts": "yesterday"}""", "ts 'yesterday' is not an RFC 3339 timestamp")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/events", """{"seq": 1, "type": "exploded"}""", "type 'exploded' is not a known event type")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/stock", """{"seq": 1, "items": [{"sku": "bad sku", "units": 1}]}""", "items[0].sku 'bad sku' does not match")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/stock", """{"seq": 1, "items": [{"sku": "STFUT-A-473", "units": -2}]}""", "items[0].units -2 is outside 0..100000")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/stock", """{"seq": 1, "items": [{"sku": "STFUT-A-473", "units": 1}, {"sku": "STFUT-A-473", "units": 2}]}""", "items[1].sku STFUT-A-473 is listed twice")]
    [InlineData("coop/v1/kiosks/kiosk-fest-07/sales", """{"seq": 1, "saleId": "s1", "lines": []}""", "lines is required and must not be empty")]
    [InlineData("coop/v1/kiosks/kiosk-fest-07/sales", """{"seq": 1, "lines": [{"sku": "STFUT-A-473", "units": 1, "unitPriceCents": 900}]}""", "saleId is required")]
    [InlineData("coop/v1/kiosks/kiosk-fest-07/sales", """{"seq": 1, "saleId": "s1", "lines": [{"sku": "STFUT-A-473", "units": 0, "unitPriceCents": 900}]}""", "lines[0].units 0 is outside 1..10000")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/sales", """{"seq": 1}""", "unknown topic kind fridges/sales")]
    [InlineData("coop/v1/fridges/Fridge_Bad/telemetry", """{"seq": 1, "tempC": 3}""", "device id in topic does not match")]
    // .NET's $ alone matches before a final newline: an id or SKU ending in one is refused all the same.
    [InlineData("coop/v1/fridges/fridge-stfut-01\n/telemetry", """{"seq": 1, "tempC": 3}""", "device id in topic does not match")]
    [InlineData("coop/v1/fridges/fridge-stfut-01/stock", """{"seq": 1, "items": [{"sku": "STFUT-A-473\n", "units": 1}]}""", "items[0].sku 'STFUT-A-473\n' does not match")]
    [InlineData("coop/v1/fridges/fridge-stfut-01", """{"seq": 1, "tempC": 3}""", "topic is not a telemetry v1 device topic")]
    public void Bad_input_is_rejected_with_a_reason_naming_the_field(string topic, string json, string reason)
    {
        var result = Parse(topic, json);
        Assert.False(result.IsValid);
        Assert.StartsWith(reason, result.Rejection);
    }

    [Theory]
    [InlineData(TelemetryLimits.MaxSaleLines, TelemetryLimits.MaxUnitPriceCents, null)]
    [InlineData(TelemetryLimits.MaxSaleLines + 1, 900L, "lines has 101 entries, more than 100")]
    [InlineData(1, TelemetryLimits.MaxUnitPriceCents + 1, "lines[0].unitPriceCents 1000001 is outside 0..1000000")]
    public void A_sale_is_taken_within_the_contract_limits_the_api_shares_and_refused_past_them(int lineCount, long price, string? reason)
    {
        var lines = string.Join(", ", Enumerable.Range(0, lineCount).Select(i => $$"""{"sku": "SKU-{{i:000}}", "units": 1, "unitPriceCents": {{price}}}"""));
        var result = Parse("coop/v1/kiosks/kiosk-fest-07/sales", $$"""{"seq": 1, "saleId": "s1", "lines": [{{lines}}]}""");
        Assert.Equal(reason, result.Rejection);
    }

    [Fact]
    public void A_stock_count_of_more_items_than_the_contract_allows_is_refused()
    {
        var items = string.Join(",", Enumerable.Range(0, TelemetryLimits.MaxStockItems + 1).Select(i => $$"""{"sku":"S{{i:000}}","units":1}"""));
        Assert.Equal("items has 501 entries, more than 500", Parse("coop/v1/fridges/fridge-stfut-01/stock", $$"""{"seq": 1, "items": [{{items}}]}""").Rejection);
    }

    [Fact]
    public void A_device_id_is_one_string_for_all_its_messages_and_the_ids_kept_are_bounded()
    {
        var reading = Parse("coop/v1/fridges/fridge-intern-01/telemetry", """{"seq": 1, "tempC": 4}""").Message!;
        var count = Parse("coop/v1/fridges/fridge-intern-01/stock", """{"seq": 2, "items": []}""").Message!;
        Assert.Same(reading.DeviceId, count.DeviceId);

        // Many ids (an account publishing under ids of its own making): kept up to the bound, none past it.
        for (var i = 0; i < KnownDeviceIds.Max + 1_000; i++) KnownDeviceIds.Of($"dev-{i:D6}");
        Assert.Equal(KnownDeviceIds.Max, KnownDeviceIds.Count);
        var past = Parse("coop/v1/fridges/fridge-past-the-bound/telemetry", """{"seq": 1, "tempC": 4}""").Message!;
        Assert.Equal("fridge-past-the-bound", past.DeviceId);
        Assert.Equal(KnownDeviceIds.Max, KnownDeviceIds.Count);
    }

    [Fact]
    public void A_payload_over_16_KiB_is_rejected_before_it_is_parsed()
    {
        var huge = "{\"seq\": 1, \"tempC\": 3, \"pad\": \"" + new string('x', 17_000) + "\"}";
        Assert.StartsWith("payload is 17", Parse("coop/v1/fridges/fridge-stfut-01/telemetry", huge).Rejection);
    }

    [Fact]
    public void A_timestamp_hours_late_is_kept()
    {
        var reading = (Reading)Parse("coop/v1/fridges/fridge-stfut-01/telemetry", """{"seq": 1, "ts": "2026-07-14T09:00:00.000Z", "tempC": 3}""").Message!;
        Assert.Equal(new DateTimeOffset(2026, 7, 14, 9, 0, 0, TimeSpan.Zero), reading.Timestamp);
        Assert.False(reading.TimestampSubstituted);
    }

    [Theory]
    [InlineData("""{"seq": 1, "tempC": 3}""")]
    [InlineData("""{"seq": 1, "ts": "2026-07-15T18:00:00.000Z", "tempC": 3}""")]
    [InlineData("""{"seq": 1, "ts": "1970-01-01T00:00:10.000Z", "tempC": 3}""")]
    public void An_absent_future_or_ancient_timestamp_is_replaced_by_the_receive_time_and_flagged(string json)
    {
        var reading = (Reading)Parse("coop/v1/fridges/fridge-stfut-01/telemetry", json).Message!;
        Assert.Equal(Now, reading.Timestamp);
        Assert.True(reading.TimestampSubstituted);
    }

    [Fact]
    public void A_timestamp_with_an_offset_is_converted_to_utc()
    {
        var reading = (Reading)Parse("coop/v1/fridges/fridge-stfut-01/telemetry", """{"seq": 1, "ts": "2026-07-14T14:03:12.250-04:00", "tempC": 3}""").Message!;
        Assert.Equal(new DateTimeOffset(2026, 7, 14, 18, 3, 12, 250, TimeSpan.Zero), reading.Timestamp);
    }
}
