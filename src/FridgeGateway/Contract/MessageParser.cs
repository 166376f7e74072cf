using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FrigoCoop.Telemetry;

namespace FridgeGateway.Contract;

/// <summary>The outcome of parsing one MQTT message: a valid message, or the reason it is rejected.</summary>
public readonly record struct ParseResult(DeviceMessage? Message, DeviceStatus? Status, string? Rejection)
{
    public static ParseResult Reject(string reason) => new(null, null, reason);
    public bool IsValid => Rejection is null;
}

/// <summary>Limits on time that are a matter of configuration rather than contract.</summary>
public sealed record TimestampPolicy(TimeSpan FutureTolerance, TimeSpan MaxAge)
{
    public static TimestampPolicy Default { get; } = new(TimeSpan.FromMinutes(5), TimeSpan.FromDays(30));
}

/// <summary>
/// Strict parsing of telemetry contract v1: ids, SKUs, plausible ranges, sizes, types and required
/// fields. Pure: the receive time is given, so the same input always gives the same answer.
/// </summary>
public sealed class MessageParser(TimestampPolicy policy)
{
    private static readonly JsonSerializerOptions Options = ContractJsonContext.Default.Options;

    public ParseResult Parse(string topic, ReadOnlySpan<byte> payload, DateTimeOffset receivedAt)
    {
        if (!DeviceTopic.TryParse(topic, out var route, out var topicReason)) return ParseResult.Reject(topicReason);
        if (payload.Length > ContractRules.MaxPayloadBytes)
            return ParseResult.Reject($"payload is {payload.Length} bytes, over the {ContractRules.MaxPayloadBytes} byte limit");
        if (route.Message == MessageKind.Status) return ParseStatus(route.DeviceId, payload, receivedAt);

        var kind = route.Kind!.Value;
        try
        {
            return route.Message switch
            {
                MessageKind.Telemetry => Telemetry(kind, route.DeviceId,
                    TelemetryFastPath.TryRead(payload) ?? Deserialize(payload, ContractJsonContext.Default.TelemetryPayload), receivedAt),
                MessageKind.Events => Event(kind, route.DeviceId, Deserialize(payload, ContractJsonContext.Default.EventPayload), receivedAt),
                MessageKind.Stock => Stock(kind, route.DeviceId, Deserialize(payload, ContractJsonContext.Default.StockPayload), receivedAt),
                MessageKind.Sales => Sale(kind, route.DeviceId, Deserialize(payload, ContractJsonContext.Default.SalePayload), receivedAt),
                _ => ParseResult.Reject("unsupported message kind"),
            };
        }
        catch (JsonException e)
        {
            return ParseResult.Reject(Describe(e));
        }
        catch (InvalidOperationException e) // e.g. a payload that is not a JSON object
        {
            return ParseResult.Reject($"invalid JSON: {FirstSentence(e.Message)}");
        }
    }

    private static T Deserialize<T>(ReadOnlySpan<byte> payload, JsonTypeInfo<T> type) where T : class
    {
        var trimmed = payload.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{') throw new JsonException("payload must be a JSON object");
        return JsonSerializer.Deserialize(payload, type) ?? throw new JsonException("payload must be a JSON object");
    }

    private ParseResult Telemetry(DeviceKind kind, string device, TelemetryPayload p, DateTimeOffset receivedAt)
    {
        if (Common(p.Seq, p.Ts, receivedAt, out var seq, out var ts, out var substituted, p.FirmwareTs) is { } bad) return ParseResult.Reject(bad);
        if (p.TempC is not { } temp) return ParseResult.Reject("tempC is required");
        var range = OutOfRange("tempC", temp, -40, 60) ?? OutOfRange("ambientC", p.AmbientC, -40, 60)
            ?? OutOfRange("powerW", p.PowerW, 0, 5000) ?? OutOfRange("batteryPct", p.BatteryPct, 0, 100)
            ?? OutOfRange("rssi", p.Rssi, -130, 0) ?? OutOfRange("lat", p.Lat, -90, 90) ?? OutOfRange("lon", p.Lon, -180, 180);
        if (range is not null) return ParseResult.Reject(range);
        return Valid(new Reading(kind, device, seq, ts, substituted, temp, p.AmbientC, p.DoorOpen, p.CompressorOn,
            p.PowerW, p.OnBattery, p.BatteryPct, p.Rssi, p.Lat, p.Lon));
    }

    private ParseResult Event(DeviceKind kind, string device, EventPayload p, DateTimeOffset receivedAt)
    {
        if (Common(p.Seq, p.Ts, receivedAt, out var seq, out var ts, out var substituted) is { } bad) return ParseResult.Reject(bad);
        if (p.Type is null) return ParseResult.Reject("type is required");
        if (!ContractRules.EventTypes.Contains(p.Type)) return ParseResult.Reject($"type '{Clip(p.Type)}' is not a known event type");
        if (p.Detail is { Length: > 500 }) return ParseResult.Reject("detail is longer than 500 characters");
        return Valid(new DeviceEvent(kind, device, seq, ts, substituted, p.Type, p.Detail));
    }

    private ParseResult Stock(DeviceKind kind, string device, StockPayload p, DateTimeOffset receivedAt)
    {
        if (Common(p.Seq, p.Ts, receivedAt, out var seq, out var ts, out var substituted) is { } bad) return ParseResult.Reject(bad);
        if (p.Items is null) return ParseResult.Reject("items is required");
        if (p.Items.Count > TelemetryLimits.MaxStockItems) return ParseResult.Reject($"items has {p.Items.Count} entries, more than {TelemetryLimits.MaxStockItems}");
        var items = new List<StockItem>(p.Items.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < p.Items.Count; i++)
        {
            var item = p.Items[i];
            if (item is null) return ParseResult.Reject($"items[{i}] must be an object");
            if (SkuProblem($"items[{i}].sku", item.Sku) is { } sku) return ParseResult.Reject(sku);
            if (item.Units is not { } units) return ParseResult.Reject($"items[{i}].units is required");
            if (units is < 0 or > TelemetryLimits.MaxCountedUnits) return ParseResult.Reject($"items[{i}].units {units} is outside 0..{TelemetryLimits.MaxCountedUnits}");
            if (!seen.Add(item.Sku!)) return ParseResult.Reject($"items[{i}].sku {item.Sku} is listed twice");
            items.Add(new StockItem(item.Sku!, units));
        }
        return Valid(new StockCount(kind, device, seq, ts, substituted, items));
    }

    private ParseResult Sale(DeviceKind kind, string device, SalePayload p, DateTimeOffset receivedAt)
    {
        if (Common(p.Seq, p.Ts, receivedAt, out var seq, out var ts, out var substituted) is { } bad) return ParseResult.Reject(bad);
        if (string.IsNullOrWhiteSpace(p.SaleId)) return ParseResult.Reject("saleId is required");
        if (p.SaleId.Length > TelemetryLimits.MaxSaleIdLength) return ParseResult.Reject($"saleId is longer than {TelemetryLimits.MaxSaleIdLength} characters");
        if (p.Lines is not { Count: > 0 }) return ParseResult.Reject("lines is required and must not be empty");
        if (p.Lines.Count > TelemetryLimits.MaxSaleLines) return ParseResult.Reject($"lines has {p.Lines.Count} entries, more than {TelemetryLimits.MaxSaleLines}");
        if (p.Payment is { Length: > TelemetryLimits.MaxPaymentLength }) return ParseResult.Reject($"payment is longer than {TelemetryLimits.MaxPaymentLength} characters");
        var lines = new List<SaleLine>(p.Lines.Count);
        for (var i = 0; i < p.Lines.Count; i++)
        {
            var line = p.Lines[i];
            if (line is null) return ParseResult.Reject($"lines[{i}] must be an object");
            if (SkuProblem($"lines[{i}].sku", line.Sku) is { } sku) return ParseResult.Reject(sku);
            if (line.Units is not { } units) return ParseResult.Reject($"lines[{i}].units is required");
            if (units is < TelemetryLimits.MinSaleUnits or > TelemetryLimits.MaxSaleUnits)
                return ParseResult.Reject($"lines[{i}].units {units} is outside {TelemetryLimits.MinSaleUnits}..{TelemetryLimits.MaxSaleUnits}");
            if (line.UnitPriceCents is not { } price) return ParseResult.Reject($"lines[{i}].unitPriceCents is required");
            if (price is < 0 or > TelemetryLimits.MaxUnitPriceCents) return ParseResult.Reject($"lines[{i}].unitPriceCents {price} is outside 0..{TelemetryLimits.MaxUnitPriceCents}");
            lines.Add(new SaleLine(line.Sku!, units, price));
        }
        return Valid(new KioskSale(kind, device, seq, ts, substituted, p.SaleId, lines, p.Payment));
    }

    private static ParseResult ParseStatus(string device, ReadOnlySpan<byte> payload, DateTimeOffset receivedAt)
    {
        var text = Encoding.UTF8.GetString(payload).Trim().Trim('"');
        return text switch
        {
            "online" => new ParseResult(null, new DeviceStatus(device, true, receivedAt), null),
            "offline" => new ParseResult(null, new DeviceStatus(device, false, receivedAt), null),
            _ => ParseResult.Reject("status must be 'online' or 'offline'"),
        };
    }

    /// <summary>Checks seq and decides the timestamp: late by hours is fine, the future or the distant past is not.</summary>
    /// <param name="tsRead"><c>ts</c> when already read in the firmware's form (the reading's fast path); else <paramref name="tsField"/>.</param>
    private string? Common(long? seqField, string? tsField, DateTimeOffset receivedAt,
        out long seq, out DateTimeOffset ts, out bool substituted, DateTimeOffset? tsRead = null)
    {
        seq = seqField ?? -1;
        ts = receivedAt;
        substituted = true;
        if (seqField is null) return "seq is required";
        if (seq < 0) return "seq must be an integer >= 0";
        DateTimeOffset parsed;
        if (tsRead is { } read) parsed = read;
        else if (tsField is null) return null;
        else if (!TryParseFirmwareTime(tsField, out parsed) && !DateTimeOffset.TryParseExact(tsField, Rfc3339Formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out parsed))
            return $"ts '{Clip(tsField)}' is not an RFC 3339 timestamp";
        if (parsed > receivedAt + policy.FutureTolerance || parsed < receivedAt - policy.MaxAge) return null;
        ts = parsed;
        substituted = false;
        return null;
    }

    /// <summary>
    /// The firmware's own form, <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, read digit by digit: once per message, and the
    /// general parser costs several times more. Anything else RFC 3339 allows goes to the general parser.
    /// </summary>
    internal static bool TryParseFirmwareTime(string s, out DateTimeOffset value) => TryParseFirmwareTime(s.AsSpan(), out value);

    /// <summary>The same, off a payload's UTF-8 bytes (the reading's fast path: no string per reading).</summary>
    internal static bool TryParseFirmwareTime(ReadOnlySpan<byte> s, out DateTimeOffset value) => TryParseFirmwareTime<byte>(s, out value);

    private static bool TryParseFirmwareTime<T>(ReadOnlySpan<T> s, out DateTimeOffset value) where T : unmanaged, IBinaryInteger<T>
    {
        value = default;
        if (s.Length != 24 || !Is(s[4], '-') || !Is(s[7], '-') || !Is(s[10], 'T') || !Is(s[13], ':') || !Is(s[16], ':') || !Is(s[19], '.') || !Is(s[23], 'Z')) return false;
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day) || !Digits(s, 11, 2, out var hour)
            || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second) || !Digits(s, 20, 3, out var millisecond)) return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return false;
        value = new DateTimeOffset(year, month, day, hour, minute, second, millisecond, TimeSpan.Zero);
        return true;

        static bool Is(T c, char expected) => int.CreateTruncating(c) == expected;

        static bool Digits(ReadOnlySpan<T> s, int start, int count, out int number)
        {
            number = 0;
            for (var i = start; i < start + count; i++)
            {
                var digit = int.CreateTruncating(s[i]) - '0';
                if ((uint)digit > 9) return false;
                number = number * 10 + digit;
            }
            return true;
        }
    }

    private static readonly string[] Rfc3339Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK",
    ];

    private static string? OutOfRange(string field, double? value, double min, double max) =>
        value is { } v && (double.IsNaN(v) || v < min || v > max) ? $"{field} {v.ToString(CultureInfo.InvariantCulture)} is outside {min}..{max}" : null;

    private static string? SkuProblem(string field, string? sku) => sku switch
    {
        null => $"{field} is required",
        _ when !ContractRules.IsSku(sku) => $"{field} '{Clip(sku)}' does not match {TelemetryLimits.SkuPattern}",
        _ => null,
    };

    private static ParseResult Valid(DeviceMessage message) => new(message, null, null);

    private static string Clip(string value) => value.Length <= 64 ? value : value[..64] + "…";

    /// <summary>A reason a person can act on: which field, and what is wrong with it.</summary>
    private static string Describe(JsonException e)
    {
        var field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
        if (field is not null && e.Message.Contains("could not be converted to", StringComparison.Ordinal))
            return $"{field} has the wrong type: expected {ExpectedType(e.Message)}";
        if (e.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
            return $"invalid JSON: a property appears twice{(field is null ? "" : $" ({field})")}";
        var where = field is null ? "" : $" at {field}";
        return $"invalid JSON{where}: {FirstSentence(e.Message)}";
    }

    private static string ExpectedType(string message) => message switch
    {
        _ when message.Contains("System.Double", StringComparison.Ordinal) => "a number",
        _ when message.Contains("System.Int", StringComparison.Ordinal) => "an integer",
        _ when message.Contains("System.Boolean", StringComparison.Ordinal) => "true or false",
        _ when message.Contains("System.String", StringComparison.Ordinal) => "a string",
        _ when message.Contains("List", StringComparison.Ordinal) => "an array",
        _ => "an object",
    };

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message.TrimEnd('.');
    }
}
