using System.Globalization;
using System.Text;
using FridgeGateway.Contract;
using FridgeGateway.Influx;
using FridgeGateway.Sinks;

namespace FridgeGateway.UnitTests;

public sealed class LineProtocolTests
{
    private static readonly DateTimeOffset Ts = new(2026, 7, 14, 18, 3, 12, 250, TimeSpan.Zero);

    [Fact]
    public void Special_characters_are_escaped_in_tags_and_strings()
    {
        var line = new LineProtocolBuilder().Measurement("device_event").Tag("device", "a b,c=d")
            .Field("detail", "said \"hi\" \\ bye\nnext").Timestamp(1).ToString();
        Assert.Equal("device_event,device=a\\ b\\,c\\=d detail=\"said \\\"hi\\\" \\\\ bye next\" 1", line);

        // Keys are escaped once, when the key is made.
        LineProtocolKey key = "a key,with=signs";
        Assert.Equal("m,a\\ key\\,with\\=signs=v a\\ key\\,with\\=signs=1i 1", new LineProtocolBuilder().Measurement("m").Tag(key, "v").Field(key, 1L).Timestamp(1).ToString());
    }

    [Fact]
    public void Absent_fields_are_left_out_and_types_are_marked()
    {
        var line = new LineProtocolBuilder().Measurement("m").Field("a", (double?)null).Field("b", 2.5).Field("c", 3L).Field("d", true).Timestamp(5).ToString();
        Assert.Equal("m b=2.5,c=3i,d=true 5", line);
    }

    [Fact]
    public void A_point_without_fields_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => new LineProtocolBuilder().Measurement("m").Tag("t", "v").Timestamp(1));
    }

    [Fact]
    public void Seq_goes_into_the_sub_millisecond_digits_of_the_point_time()
    {
        Assert.Equal(1784052192250_000_042L, InfluxSchema.PointTime(Ts, 42));
        Assert.Equal(1784052192250_000_000L + 234_567, InfluxSchema.PointTime(Ts, 1_234_567));
        Assert.NotEqual(InfluxSchema.PointTime(Ts, 1), InfluxSchema.PointTime(Ts, 2));
    }

    [Fact]
    public void A_reading_becomes_one_fridge_reading_point_and_the_same_message_gives_the_same_line()
    {
        var reading = new Reading(DeviceKind.Kiosk, "kiosk-fest-07", 9, Ts, false, 3.5, null, true, null, null, false, null, -70, 46.3, -72.5);
        var line = Lines(reading);
        Assert.Equal("fridge_reading,device=kiosk-fest-07,kind=kiosk temp_c=3.5,door_open=true,on_battery=false,rssi=-70,lat=46.3,lon=-72.5,seq=9i,ts_substituted=false 1784052192250000009", line);
        Assert.Equal(line, Lines(reading with { }));
    }

    [Fact]
    public void A_sale_gives_one_point_per_line_and_a_stock_count_one_per_sku()
    {
        var sale = new KioskSale(DeviceKind.Kiosk, "kiosk-fest-07", 77, Ts, false, "s-77",
            [new SaleLine("STFUT-EPAULE-473", 2, 900), new SaleLine("AUBE-IPA-355", 1, 700)], "card");
        var lines = Lines(sale).Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("kiosk_sale,device=kiosk-fest-07,sku=STFUT-EPAULE-473 units=2i,unit_price_cents=900i,sale_id=\"s-77\",payment=\"card\",seq=77i", lines[0]);

        var count = new StockCount(DeviceKind.Fridge, "fridge-stfut-01", 5, Ts, true, [new StockItem("STFUT-EPAULE-473", 11), new StockItem("AUBE-IPA-355", 0)]);
        var countLines = Lines(count).Split('\n');
        Assert.Equal("stock_count,device=fridge-stfut-01,kind=fridge,sku=AUBE-IPA-355 units=0i,seq=5i,ts_substituted=true 1784052192250000005", countLines[1]);
    }

    [Fact]
    public void Text_beyond_ascii_is_written_as_utf8_and_escaped_where_line_protocol_says()
    {
        var line = new LineProtocolBuilder().Measurement("m=1 x").Tag("brasserie", "Dieu du Ciel, Saint-Jérôme")
            .Field("détail", "«porte» ouverte \\ 🍺").Timestamp(1).ToString();
        Assert.Equal("m=1\\ x,brasserie=Dieu\\ du\\ Ciel\\,\\ Saint-Jérôme détail=\"«porte» ouverte \\\\ 🍺\" 1", line);
    }

    [Fact]
    public void Numbers_are_written_as_the_shortest_text_that_reads_back_the_same()
    {
        // The bytes are formatted in place; they must say what the text formatting says (InfluxDB reads them back).
        var random = new Random(20);
        var values = new[] { 0.1 + 0.2, 1e-7, -0.0, 1.7976931348623157e308, 3.47, -61 }
            .Concat(Enumerable.Range(0, 2000).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-12, 12))));
        foreach (var value in values)
        {
            var line = new LineProtocolBuilder().Measurement("m").Field("v", value).Field("n", (long)value).Timestamp(long.MaxValue).ToString();
            Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"m v={value:R},n={(long)value}i {long.MaxValue}"), line);
        }
    }

    [Fact]
    public void Numbers_of_a_few_decimals_are_written_as_the_general_formatter_writes_them()
    {
        // A reading's values (3.47, 85.2, -61) take a shorter path than the general formatter: it must write the same
        // text for every value, those it takes (up to three decimals, under 10^9) and those at its edges it leaves.
        var random = new Random(20261129);
        var edges = new[] { 0.5, -0.5, 0.05, 0.001, -0.001, 0.0005, 0.1 + 0.2, 1e9, -1e9, 1e9 - 0.001, 999_999_999.999, 123_456_789.123,
            double.Epsilon, 0.0, -0.0, double.NaN, double.PositiveInfinity, 4.35, 1.005, 2.675, 8.345, 0.3, 0.7 };
        var fewDecimals = Enumerable.Range(0, 300_000).Select(_ =>
            random.NextInt64(-2_000_000_000_000, 2_000_000_000_000) / Math.Pow(10, random.Next(0, 6)) / (random.Next(2) == 0 ? 1 : Math.Pow(10, random.Next(0, 8))));
        foreach (var value in edges.Concat(fewDecimals))
        {
            var line = new LineProtocolBuilder().Measurement("m").Field("v", value).Timestamp(1).ToString();
            Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"m v={value:R} 1"), line);
        }
    }

    [Theory]
    [InlineData(64 * 1024)]
    [InlineData(10 * InfluxSchema.TypicalLineBytes)] // a batch expected small: a small first chunk, then full ones
    public void Every_message_of_a_batch_keeps_its_own_lines_in_the_shared_chunks(int firstChunk)
    {
        var chunks = new Utf8Chunks(firstChunk);
        // Enough readings to fill several chunks, and an event whose detail is longer than a chunk.
        var readings = Enumerable.Range(0, 1000).Select(n => new Reading(DeviceKind.Fridge, $"fridge-t-{n:D4}", n, Ts, false, n / 10.0,
            null, null, null, null, null, null, null, null, null)).ToList();
        var huge = new DeviceEvent(DeviceKind.Fridge, "fridge-t-0001", 5, Ts, false, "door_open", new string('é', 40_000));
        var slices = readings.Select(r => InfluxSchema.ToLines(r, chunks)).Append(InfluxSchema.ToLines(huge, chunks)).ToList();

        for (var n = 0; n < readings.Count; n++) Assert.Equal(Lines(readings[n]), Encoding.UTF8.GetString(slices[n].Span));
        Assert.Equal(Lines(huge), Encoding.UTF8.GetString(slices[^1].Span));
    }

    private static string Lines(DeviceMessage message) => Encoding.UTF8.GetString(InfluxSchema.ToLines(message, new Utf8Chunks()).Span);
}
