using System.Globalization;
using System.Text;
using System.Text.Json;
using FridgeGateway.Contract;

namespace FridgeGateway.UnitTests;

/// <summary>
/// The reading's fast path must read every payload as the generated deserializer does: what it reads, the
/// deserializer reads the same; what it leaves (null), the deserializer decides. Payloads are built from the
/// contract's fields with values of every JSON type, repeated, unknown and escaped names, and cut at every byte.
/// </summary>
public sealed class TelemetryFastPathTests
{
    private const string Firmware = """{"seq":1842,"ts":"2026-07-14T18:03:12.250Z","tempC":3.47,"ambientC":21.3,"doorOpen":false,"compressorOn":true,"powerW":85.2,"onBattery":false,"batteryPct":100,"rssi":-61}""";

    private static readonly string[] FieldNames = ["seq", "ts", "tempC", "ambientC", "doorOpen", "compressorOn", "powerW", "onBattery", "batteryPct", "rssi", "lat", "lon"];

    private static readonly string[] Values =
        ["0", "1842", "-3", "3.47", "-0", "1e3", "1.0", "1e400", "9223372036854775808", "\"3.5\"", "\"2026-07-14T18:03:12.250Z\"", "\"a\\u00e9\\\"b\"",
         "true", "false", "null", "{}", "[1]", "{\"a\":[{}]}"];

    [Fact]
    public void The_firmware_payload_takes_the_fast_path_and_reads_as_the_deserializer_reads_it()
    {
        var fast = TelemetryFastPath.TryRead(Encoding.UTF8.GetBytes(Firmware));

        Assert.NotNull(fast);
        Assert.Equal(Fields(Deserialize(Firmware)!), Fields(fast));
        // Its ts read off the bytes: no string made for it.
        Assert.Equal((DateTimeOffset.Parse("2026-07-14T18:03:12.250Z"), null), (fast.FirmwareTs, fast.Ts));
    }

    [Fact]
    public void Every_field_with_every_kind_of_value_reads_the_same_both_ways()
    {
        var taken = 0;
        foreach (var name in FieldNames)
            foreach (var value in Values)
            {
                var json = Firmware.Replace("}", $",\"{name}\":{value}}}");
                // Without the firmware's fields too: the field alone, among the others, or left out of a full reading.
                taken += Agree(json) + Agree($"{{\"{name}\":{value}}}") + Agree($" {{ \"seq\" : 1 , \"{name}\" : {value} }} ");
            }
        // The plain cases (each field of its own type, or null, alone) must be read by the fast path.
        Assert.True(taken >= FieldNames.Length * 2, $"the fast path read only {taken} payloads");
    }

    [Theory]
    [InlineData("""{"seq":1,"seq":2}""")] // a repeated field: the deserializer refuses it
    [InlineData("""{"seq":1,"TempC":3}""")] // names are case-sensitive: an unknown field
    [InlineData("""{"s\u0065q":7,"t\u0065mpC":3.5}""")] // escaped names are the same names
    [InlineData("""{"seq":1}x""")]
    [InlineData("""{"seq":1}{}""")]
    [InlineData("""{"seq":1,}""")]
    [InlineData("""{"seq":1 /* note */}""")]
    [InlineData("""[{"seq":1}]""")]
    [InlineData("\"seq\"")]
    [InlineData("")]
    [InlineData("""{"seq":1,"extra":{"deep":[1,2,{"x":null}]}}""")]
    public void Odd_payloads_read_the_same_both_ways(string json) => Agree(json);

    [Fact]
    public void A_payload_cut_at_any_byte_reads_the_same_both_ways()
    {
        for (var length = 0; length <= Firmware.Length; length++) Agree(Firmware[..length]);
    }

    [Fact]
    public void Short_decimals_read_as_the_general_parser_reads_them()
    {
        // The reading's numbers take a short path (digits over a power of ten): bit for bit what the general parser says.
        var random = new Random(20261129);
        var texts = new[] { "0", "-0", "-0.0", "0.1", "0.3", "3.47", "-61", "85.2", "100", "999999999999999", "0.000000000000001",
            "123456789.012345", "-9007199254740993", "1.7976931348623157" }
            .Concat(Enumerable.Range(0, 500_000).Select(_ =>
            {
                var digits = random.NextInt64(0, (long)Math.Pow(10, random.Next(1, 16))).ToString(CultureInfo.InvariantCulture);
                var point = random.Next(digits.Length + 1);
                var text = point == digits.Length ? digits : $"{(point == 0 ? "0" : digits[..point])}.{digits[point..]}";
                return random.Next(2) == 0 ? text : "-" + text;
            }));
        var taken = 0;
        foreach (var text in texts)
        {
            if (!TelemetryFastPath.TryReadShortDecimal(Encoding.UTF8.GetBytes(text), out var value)) continue;
            taken++;
            Assert.True(BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)) == BitConverter.DoubleToInt64Bits(value),
                $"{text}: {value:R} against {double.Parse(text, CultureInfo.InvariantCulture):R}");
        }
        Assert.True(taken > 400_000, $"the short path read only {taken} numbers");
        // More than 15 digits, or an exponent, is left to the general parser.
        Assert.All(new[] { "1234567890123456", "1e3", "1E-5", "0.1234567890123456", "" },
            text => Assert.False(TelemetryFastPath.TryReadShortDecimal(Encoding.UTF8.GetBytes(text), out _), text));
    }

    /// <summary>Asserts agreement; 1 when the fast path read the payload.</summary>
    private static int Agree(string json)
    {
        var fast = TelemetryFastPath.TryRead(Encoding.UTF8.GetBytes(json));
        if (fast is null) return 0;
        var generated = Deserialize(json);
        Assert.True(generated is not null, $"the fast path read what the deserializer refuses: {json}");
        Assert.Equal(Fields(generated), Fields(fast));
        return 1;
    }

    private static TelemetryPayload? Deserialize(string json)
    {
        try { return JsonSerializer.Deserialize(json, ContractJsonContext.Default.TelemetryPayload); }
        catch (JsonException) { return null; }
    }

    private static string Fields(TelemetryPayload p) => string.Join('|',
        p.Seq, Ts(p), Bits(p.TempC), Bits(p.AmbientC), p.DoorOpen, p.CompressorOn, Bits(p.PowerW), p.OnBattery, Bits(p.BatteryPct), Bits(p.Rssi), Bits(p.Lat), Bits(p.Lon));

    /// <summary>The time <c>ts</c> names when it is in the firmware's form (the fast path reads it off the bytes), else the text.</summary>
    private static string? Ts(TelemetryPayload p) =>
        (p.FirmwareTs ?? (p.Ts is { } text && MessageParser.TryParseFirmwareTime(text, out var time) ? time : null))?.ToString("O") ?? p.Ts;

    private static string Bits(double? value) => value is { } v ? BitConverter.DoubleToInt64Bits(v).ToString("x") : "-";
}
