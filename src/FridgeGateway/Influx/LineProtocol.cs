using System.Globalization;
using System.Text;

namespace FridgeGateway.Influx;

/// <summary>
/// Builds InfluxDB line protocol, the one format that InfluxDB 1.x <c>/write</c> and 2.x/3.x
/// <c>/api/v2/write</c> both take. Fields are written in the order given; tags must be given sorted by
/// key (InfluxDB's recommendation, and what our fixed schema does).
/// </summary>
public sealed class LineProtocolBuilder
{
    private readonly StringBuilder _text = new();
    private int _fieldsInLine;

    public int Lines { get; private set; }

    public LineProtocolBuilder Measurement(string name)
    {
        if (Lines > 0) _text.Append('\n');
        Escape(name, measurement: true);
        _fieldsInLine = 0;
        Lines++;
        return this;
    }

    public LineProtocolBuilder Tag(string key, string value)
    {
        if (value.Length == 0) return this; // an empty tag value is not allowed: leave the tag out
        _text.Append(',');
        Escape(key, measurement: false);
        _text.Append('=');
        Escape(value, measurement: false);
        return this;
    }

    public LineProtocolBuilder Field(string key, double? value) =>
        value is { } v ? RawField(key, v.ToString("R", CultureInfo.InvariantCulture)) : this;

    public LineProtocolBuilder Field(string key, long? value) =>
        value is { } v ? RawField(key, v.ToString(CultureInfo.InvariantCulture) + "i") : this;

    public LineProtocolBuilder Field(string key, bool? value) =>
        value is { } v ? RawField(key, v ? "true" : "false") : this;

    public LineProtocolBuilder Field(string key, string? value)
    {
        if (value is null) return this;
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\') quoted.Append('\\');
            quoted.Append(c is '\n' or '\r' ? ' ' : c); // a newline would end the line
        }
        return RawField(key, quoted.Append('"').ToString());
    }

    public LineProtocolBuilder Timestamp(long unixNanoseconds)
    {
        if (_fieldsInLine == 0) throw new InvalidOperationException("a line protocol point needs at least one field");
        _text.Append(' ').Append(unixNanoseconds.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public override string ToString() => _text.ToString();

    private LineProtocolBuilder RawField(string key, string rendered)
    {
        _text.Append(_fieldsInLine++ == 0 ? ' ' : ',');
        Escape(key, measurement: false);
        _text.Append('=').Append(rendered);
        return this;
    }

    private void Escape(string value, bool measurement)
    {
        foreach (var c in value)
        {
            if (c is ',' or ' ' || (!measurement && c == '=') || c == '\\') _text.Append('\\');
            _text.Append(c is '\n' or '\r' ? ' ' : c);
        }
    }
}
