using System.Globalization;
using System.Text;

namespace Inventory.Api.Infrastructure;

/// <summary>
/// CSV as RFC 4180 writes it and spreadsheets read it: fields separated by commas, records ended by CRLF,
/// a field holding a comma, a quote or a line break enclosed in quotes with its quotes doubled; numbers
/// and times in the invariant culture. Text that a spreadsheet would take for a formula (starting with
/// <c>= + - @</c>, a tab or a carriage return) is prefixed with an apostrophe, so that a name typed into
/// the platform never runs in the lead's spreadsheet.
/// </summary>
public sealed class Csv
{
    private readonly StringBuilder _text = new();

    /// <summary>A CSV whose first record is the header; none given: rows only (a part of a file written in pieces).</summary>
    public Csv(params ReadOnlySpan<string> header)
    {
        if (header.Length > 0) Row([.. header]);
    }

    public Csv Row(params ReadOnlySpan<object?> fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0) _text.Append(',');
            _text.Append(Field(fields[i]));
        }
        _text.Append("\r\n");
        return this;
    }

    public override string ToString() => _text.ToString();

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_text.ToString());

    /// <summary>One field as written: numbers and times as they are, text guarded and quoted where needed.</summary>
    public static string Field(object? value) => value switch
    {
        null => "",
        string text => Text(text),
        // An instant in UTC ends in Z; one shown on the Table's clock (TableCalendar.Local) carries its offset.
        DateTimeOffset t when t.Offset == TimeSpan.Zero => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => Text(value.ToString() ?? ""),
    };

    private static string Text(string text)
    {
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r') text = "'" + text;
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
