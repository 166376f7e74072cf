using System.Buffers;
using System.Globalization;
using System.Text;

namespace FridgeGateway.Influx;

/// <summary>
/// Builds InfluxDB line protocol, the one format that InfluxDB 1.x <c>/write</c> and 2.x/3.x
/// <c>/api/v2/write</c> both take, as UTF-8. Fields are written in the order given; tags must be given sorted
/// by key (InfluxDB's recommendation, and what our fixed schema does). <see cref="CopyTo"/> or
/// <see cref="ToString"/> ends it.
/// </summary>
/// <remarks>
/// Once per message on the gateway's hot path: numbers are formatted straight into the bytes, and
/// the buffer is the thread's, handed back when the lines are done. What is kept is a copy into the batch's
/// <see cref="Utf8Chunks"/>: no string and no object of its own per message.
/// </remarks>
public sealed class LineProtocolBuilder
{
    [ThreadStatic] private static byte[]? t_spare;
    private byte[]? _bytes = TakeSpare();
    private int _used;
    private int _fieldsInLine;

    // Characters that some part of a line escapes with a backslash (which ones depends on the part: see Escape),
    // and the line breaks no part can carry (written as a space).
    private static readonly SearchValues<char> Special = SearchValues.Create(", =\\\n\r\"");

    private static byte[] TakeSpare()
    {
        var spare = t_spare ?? new byte[1024];
        t_spare = null;
        return spare;
    }

    public int Lines { get; private set; }

    public LineProtocolBuilder Measurement(string name)
    {
        if (Lines > 0) Append((byte)'\n');
        Escape(name, Context.Measurement);
        _fieldsInLine = 0;
        Lines++;
        return this;
    }

    public LineProtocolBuilder Tag(LineProtocolKey key, string value)
    {
        if (value.Length == 0) return this; // an empty tag value is not allowed: leave the tag out
        Append((byte)',');
        Append(key.Utf8);
        Append((byte)'=');
        Escape(value, Context.Key);
        return this;
    }

    public LineProtocolBuilder Field(LineProtocolKey key, double? value)
    {
        if (value is not { } v) return this;
        FieldKey(key);
        // "R": the shortest text that reads back as the same double. A reading's values mostly have up to three
        // decimals (3.47 °C, 85.2 W, -61 dBm), written here as integers with the point put in: the same text.
        if (!TryAppendFewDecimals(v)) Format(v, "R");
        return this;
    }

    public LineProtocolBuilder Field(LineProtocolKey key, long? value)
    {
        if (value is not { } v) return this;
        FieldKey(key);
        Format(v, default);
        Append((byte)'i');
        return this;
    }

    public LineProtocolBuilder Field(LineProtocolKey key, bool? value)
    {
        if (value is { } v)
        {
            FieldKey(key);
            Append(v ? "true"u8 : "false"u8);
        }
        return this;
    }

    public LineProtocolBuilder Field(LineProtocolKey key, string? value)
    {
        if (value is null) return this;
        FieldKey(key);
        Append((byte)'"');
        Escape(value, Context.StringField);
        Append((byte)'"');
        return this;
    }

    public LineProtocolBuilder Timestamp(long unixNanoseconds)
    {
        if (_fieldsInLine == 0) throw new InvalidOperationException("a line protocol point needs at least one field");
        Append((byte)' ');
        Format(unixNanoseconds, default);
        return this;
    }

    /// <summary>The lines, copied into <paramref name="chunks"/>; the builder is finished and its buffer goes back to the thread.</summary>
    public ReadOnlyMemory<byte> CopyTo(Utf8Chunks chunks)
    {
        var copy = chunks.Add(Bytes.AsSpan(0, _used));
        Finish();
        return copy;
    }

    /// <summary>The lines as text (tests, and InfluxDB.Client's string API); the builder is finished.</summary>
    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(Bytes, 0, _used);
        Finish();
        return text;
    }

    private byte[] Bytes => _bytes ?? throw new InvalidOperationException("the line protocol is finished");

    private void Finish()
    {
        // A buffer grown by an unusually long message is not kept.
        if (_bytes is { Length: <= 4096 } bytes) t_spare = bytes;
        _bytes = null;
    }

    /// <summary>Starts a field: its separator and escaped key, then '='; the caller writes the value.</summary>
    private void FieldKey(LineProtocolKey key)
    {
        Append(_fieldsInLine++ == 0 ? (byte)' ' : (byte)',');
        Append(key.Utf8);
        Append((byte)'=');
    }

    private void Format<T>(T value, ReadOnlySpan<char> format) where T : IUtf8SpanFormattable
    {
        int written;
        while (!value.TryFormat(Bytes.AsSpan(_used), out written, format, CultureInfo.InvariantCulture)) Grow(32);
        _used += written;
    }

    private static readonly double[] Scales = [1, 10, 100, 1000];
    private static readonly string[] FractionFormats = ["", "D1", "D2", "D3"];

    /// <summary>
    /// <paramref name="value"/> as <c>"R"</c> writes it, when it is a number of at most three decimals under 10⁹ (what
    /// a reading holds), without the general formatter (docs/benchmarks.md, "CPU per message", session 12: the line
    /// protocol's share of a reading, bench/gateway-hotpath.sh).
    /// With k the fewest decimals for which m = round(value·10ᵏ) gives m/10ᵏ == value, IEEE division and decimal
    /// parsing both round m/10ᵏ to the nearest double, so the text "m with k decimals" reads back as the value; no
    /// shorter text does (a smaller k failed); and under 10⁹ neighbouring doubles are far less than 10⁻³ apart, so
    /// no other text of k decimals reads back as it: it is the shortest round-trip text, the one "R" writes.
    /// Agreement-tested against "R" (<c>LineProtocolTests</c>).
    /// </summary>
    private bool TryAppendFewDecimals(double value)
    {
        // Zero is left to "R": it tells 0 from -0. NaN fails the comparison.
        if (!(Math.Abs(value) < 1e9) || value == 0) return false;
        for (var k = 0; k < Scales.Length; k++)
        {
            var scaled = Math.Round(value * Scales[k]);
            if (scaled / Scales[k] != value) continue;
            Reserve(24);
            var digits = (long)Math.Abs(scaled);
            var unit = (long)Scales[k];
            var span = Bytes.AsSpan(_used);
            var n = 0;
            if (value < 0) span[n++] = (byte)'-';
            (digits / unit).TryFormat(span[n..], out var written, default, CultureInfo.InvariantCulture);
            n += written;
            if (k > 0)
            {
                span[n++] = (byte)'.';
                (digits % unit).TryFormat(span[n..], out written, FractionFormats[k], CultureInfo.InvariantCulture);
                n += written;
            }
            _used += n;
            return true;
        }
        return false;
    }

    private enum Context { Measurement, Key, StringField }

    /// <summary>A tag or field key escaped, UTF-8 (see <see cref="LineProtocolKey"/>).</summary>
    internal static byte[] EscapedKey(string key)
    {
        var builder = new LineProtocolBuilder();
        builder.Escape(key, Context.Key);
        var escaped = builder.Bytes.AsSpan(0, builder._used).ToArray();
        builder.Finish();
        return escaped;
    }

    private void Escape(string value, Context context)
    {
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            // Plain runs (nearly always the whole value) are transcoded in one go.
            var special = rest.IndexOfAny(Special);
            var plain = special < 0 ? rest : rest[..special];
            Append(plain);
            if (special < 0) return;
            var c = rest[special];
            if (c is '\n' or '\r') Append((byte)' '); // a line break would end the line
            else
            {
                var escaped = context switch
                {
                    Context.StringField => c is '"' or '\\',
                    Context.Measurement => c is ',' or ' ' or '\\',
                    _ => c is ',' or ' ' or '=' or '\\',
                };
                if (escaped) Append((byte)'\\');
                Append((byte)c);
            }
            rest = rest[(special + 1)..];
        }
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return;
        Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
        _used += Encoding.UTF8.GetBytes(text, Bytes.AsSpan(_used));
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(Bytes.AsSpan(_used));
        _used += bytes.Length;
    }

    private void Append(byte b)
    {
        Reserve(1);
        Bytes[_used++] = b;
    }

    private void Reserve(int bytes)
    {
        if (_used + bytes > Bytes.Length) Grow(bytes);
    }

    private void Grow(int atLeast)
    {
        var bigger = new byte[Math.Max(Bytes.Length * 2, _used + atLeast)];
        Bytes.AsSpan(0, _used).CopyTo(bigger);
        _bytes = bigger;
    }
}

/// <summary>
/// A tag or field key, escaped and encoded once: the schema's keys are the same for every message, and writing each
/// again for every line was a measurable part of a reading's cost. A string converts to one (tests, rare
/// lines); the schema keeps its keys in static fields.
/// </summary>
public readonly struct LineProtocolKey(string key)
{
    internal ReadOnlySpan<byte> Utf8 => _utf8 ?? throw new InvalidOperationException("a line protocol key is made from its text");
    private readonly byte[] _utf8 = LineProtocolBuilder.EscapedKey(key);

    public static implicit operator LineProtocolKey(string key) => new(key);
}
