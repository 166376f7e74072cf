using System.Globalization;
using System.Text;

namespace FridgeGateway.Influx;

/// <summary>
/// Builds InfluxDB line protocol, the one format that InfluxDB 1.x <c>/write</c> and 2.x/3.x
/// <c>/api/v2/write</c> both take. Fields are written in the order given; tags must be given sorted by
/// key (InfluxDB's recommendation, and what our fixed schema does). <see cref="ToString"/> ends it.
/// </summary>
/// <remarks>
/// Once per message on the gateway's hot path (issue 20): numbers are written straight into the text, and
/// the text's buffer is the thread's, handed back when the line is done, so that a message costs one string.
/// </remarks>
public sealed class LineProtocolBuilder
{
    [ThreadStatic] private static StringBuilder? t_spare;
    private StringBuilder? _text = TakeSpare();
    private string? _done;
    private int _fieldsInLine;

    private static StringBuilder TakeSpare()
    {
        var spare = t_spare ?? new StringBuilder(512);
        t_spare = null;
        return spare.Clear();
    }

    private StringBuilder Text => _text ?? throw new InvalidOperationException("the line protocol is finished (ToString)");

    public int Lines { get; private set; }

    public LineProtocolBuilder Measurement(string name)
    {
        if (Lines > 0) Text.Append('\n');
        Escape(name, measurement: true);
        _fieldsInLine = 0;
        Lines++;
        return this;
    }

    public LineProtocolBuilder Tag(string key, string value)
    {
        if (value.Length == 0) return this; // an empty tag value is not allowed: leave the tag out
        Text.Append(',');
        Escape(key, measurement: false);
        Text.Append('=');
        Escape(value, measurement: false);
        return this;
    }

    public LineProtocolBuilder Field(string key, double? value)
    {
        // "R": the shortest text that reads back as the same double.
        if (value is { } v) FieldKey(key).Append(CultureInfo.InvariantCulture, $"{v:R}");
        return this;
    }

    public LineProtocolBuilder Field(string key, long? value)
    {
        if (value is { } v) FieldKey(key).Append(CultureInfo.InvariantCulture, $"{v}i");
        return this;
    }

    public LineProtocolBuilder Field(string key, bool? value)
    {
        if (value is { } v) FieldKey(key).Append(v ? "true" : "false");
        return this;
    }

    public LineProtocolBuilder Field(string key, string? value)
    {
        if (value is null) return this;
        var text = FieldKey(key).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\') text.Append('\\');
            text.Append(c is '\n' or '\r' ? ' ' : c); // a newline would end the line
        }
        text.Append('"');
        return this;
    }

    public LineProtocolBuilder Timestamp(long unixNanoseconds)
    {
        if (_fieldsInLine == 0) throw new InvalidOperationException("a line protocol point needs at least one field");
        Text.Append(' ').Append(CultureInfo.InvariantCulture, $"{unixNanoseconds}");
        return this;
    }

    /// <summary>The text; the builder is finished and its buffer goes back to the thread.</summary>
    public override string ToString()
    {
        if (_text is { } text)
        {
            _done = text.ToString();
            // A buffer grown by an unusually long message is not kept.
            if (text.Capacity <= 4096) t_spare = text;
            _text = null;
        }
        return _done!;
    }

    /// <summary>Starts a field: its separator and escaped key, then '='; the caller appends the value.</summary>
    private StringBuilder FieldKey(string key)
    {
        Text.Append(_fieldsInLine++ == 0 ? ' ' : ',');
        Escape(key, measurement: false);
        return Text.Append('=');
    }

    private void Escape(string value, bool measurement)
    {
        var text = Text;
        foreach (var c in value)
        {
            if (c is ',' or ' ' || (!measurement && c == '=') || c == '\\') text.Append('\\');
            text.Append(c is '\n' or '\r' ? ' ' : c);
        }
    }
}
