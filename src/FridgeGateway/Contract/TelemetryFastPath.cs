using System.Text.Json;

namespace FridgeGateway.Contract;

/// <summary>
/// A reading's payload read straight off its bytes: the message every device sends every few seconds (faster and
/// smaller than the generated deserializer: docs/benchmarks.md, bench/gateway-hotpath.sh). Only the plain
/// case is read here — an object of the contract's fields, each at most once, each a value of its own JSON type
/// or null. Anything else (an unknown field, a wrong type, a repeated field, bytes after the object) is left to
/// the generated deserializer, which accepts or rejects it naming the field: both read every payload the same
/// way (agreement-tested in <c>TelemetryFastPathTests</c>).
/// </summary>
internal static class TelemetryFastPath
{
    private enum Field { Seq, Ts, TempC, AmbientC, DoorOpen, CompressorOn, PowerW, OnBattery, BatteryPct, Rssi, Lat, Lon }

    // The wire names, in Field's order (camelCase, as ContractJsonContext names them).
    private static readonly byte[][] Names = Enum.GetNames<Field>().Select(name => JsonNamingPolicy.CamelCase.ConvertName(name))
        .Select(System.Text.Encoding.UTF8.GetBytes).ToArray();

    // One payload per thread, read into again by each reading: it is copied into the Reading at once.
    [ThreadStatic] private static TelemetryPayload? t_payload;

    /// <summary>
    /// The payload, or null when it is not the plain case (then ask the generated deserializer). The payload is
    /// the thread's own, read into again by the next call on the thread: take what it says before that.
    /// </summary>
    public static TelemetryPayload? TryRead(ReadOnlySpan<byte> json)
    {
        try { return Read(json); }
        catch (JsonException) { return null; }
    }

    private static TelemetryPayload? Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        var payload = t_payload ??= new TelemetryPayload();
        payload.Clear();
        var seen = 0;
        var next = 0;
        while (reader.Read())
        {
            // The object's end must be the payload's end (a further value or byte makes the reader throw).
            if (reader.TokenType == JsonTokenType.EndObject) return reader.Read() ? null : payload;
            if (FieldOf(ref reader, next) is not { } field || (seen & 1 << (int)field) != 0 || !reader.Read()) return null;
            seen |= 1 << (int)field;
            next = (int)field + 1;
            if (reader.TokenType == JsonTokenType.Null) continue;
            if (!TrySet(payload, field, ref reader)) return null;
        }
        return null;
    }

    /// <summary>The field the reader is on; looked for from <paramref name="from"/> on, since firmware writes them in the contract's order.</summary>
    private static Field? FieldOf(ref Utf8JsonReader reader, int from)
    {
        for (var n = 0; n < Names.Length; n++)
        {
            var i = (from + n) % Names.Length;
            if (reader.ValueTextEquals(Names[i])) return (Field)i;
        }
        return null;
    }

    /// <summary>Sets the field from the value the reader is on; false when the value is not of the field's JSON type.</summary>
    private static bool TrySet(TelemetryPayload p, Field field, ref Utf8JsonReader reader) => field switch
    {
        Field.Seq => (p.Seq = Integer(ref reader)) is not null,
        Field.Ts => reader.TokenType == JsonTokenType.String && ReadTs(p, ref reader),
        Field.TempC => (p.TempC = Number(ref reader)) is not null,
        Field.AmbientC => (p.AmbientC = Number(ref reader)) is not null,
        Field.DoorOpen => (p.DoorOpen = Flag(ref reader)) is not null,
        Field.CompressorOn => (p.CompressorOn = Flag(ref reader)) is not null,
        Field.PowerW => (p.PowerW = Number(ref reader)) is not null,
        Field.OnBattery => (p.OnBattery = Flag(ref reader)) is not null,
        Field.BatteryPct => (p.BatteryPct = Number(ref reader)) is not null,
        Field.Rssi => (p.Rssi = Number(ref reader)) is not null,
        Field.Lat => (p.Lat = Number(ref reader)) is not null,
        Field.Lon => (p.Lon = Number(ref reader)) is not null,
        _ => false,
    };

    /// <summary>The firmware's form read straight off the bytes (no string per reading); any other string kept for the parser.</summary>
    private static bool ReadTs(TelemetryPayload p, ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && MessageParser.TryParseFirmwareTime(reader.ValueSpan, out var ts)) p.FirmwareTs = ts;
        else p.Ts = reader.GetString();
        return true;
    }

    private static long? Integer(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : null;

    private static double? Number(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && (TryReadShortDecimal(reader.ValueSpan, out var value) || reader.TryGetDouble(out value)) ? value : null;

    // Powers of ten a double holds exactly.
    private static readonly double[] PowersOfTen = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>
    /// A JSON number of at most 15 digits and no exponent (every value of a reading: 3.47, -61, 85.2), read as its
    /// digits over a power of ten. Both are exact doubles, and IEEE division rounds their quotient to the nearest
    /// double — what a correct parser returns for the text (Clinger's fast path), at a fraction of the general
    /// parser's cost. Anything else: false, and the reader's own parser reads it.
    /// </summary>
    internal static bool TryReadShortDecimal(ReadOnlySpan<byte> number, out double value)
    {
        value = 0;
        var negative = !number.IsEmpty && number[0] == (byte)'-';
        long digits = 0;
        int count = 0, decimals = -1;
        for (var i = negative ? 1 : 0; i < number.Length; i++)
        {
            if (number[i] == (byte)'.' && decimals < 0) { decimals = 0; continue; }
            var digit = (uint)(number[i] - '0');
            if (digit > 9 || ++count > 15) return false;
            digits = digits * 10 + digit;
            if (decimals >= 0) decimals++;
        }
        if (count == 0) return false;
        value = digits / PowersOfTen[Math.Max(decimals, 0)];
        if (negative) value = -value;
        return true;
    }

    private static bool? Flag(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => null,
    };
}
