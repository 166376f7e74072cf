using Inventory.Api.Infrastructure;

namespace Inventory.Api.FunctionalTests;

/// <summary>CSV as a spreadsheet reads it back (RFC 4180), and never as formulas.</summary>
public sealed class CsvTests
{
    [Fact]
    public void Fields_with_commas_quotes_and_line_breaks_are_quoted_and_records_end_with_crlf()
    {
        var csv = new Csv("region", "unites").Row("Bas-Saint-Laurent, Gaspésie", 12).Row("Le \"Quai\"", 3).Row("deux\nlignes", -4).ToString();

        Assert.Equal("region,unites\r\n\"Bas-Saint-Laurent, Gaspésie\",12\r\n\"Le \"\"Quai\"\"\",3\r\n\"deux\nlignes\",-4\r\n", csv);
        Assert.Equal([["region", "unites"], ["Bas-Saint-Laurent, Gaspésie", "12"], ["Le \"Quai\"", "3"], ["deux\nlignes", "-4"]], ReadBack(csv));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")")]
    [InlineData("+1+1", "'+1+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("Montérégie", "Montérégie")]
    public void Text_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(string typed, string cell) =>
        Assert.Equal(cell, ReadBack(new Csv("region").Row(typed).ToString())[1][0]);

    [Fact]
    public void Numbers_dates_and_times_are_written_as_a_spreadsheet_reads_them() =>
        // An instant in UTC ends in Z; one on the Table's clock (TableCalendar.Local) keeps its offset.
        Assert.Equal("3.25,2026-07-14,2026-07-14T18:03:12Z,2026-07-14T14:03:12-04:00,-1500,true\r\n",
            new Csv().Row(3.25m, new DateOnly(2026, 7, 14), new DateTimeOffset(2026, 7, 14, 18, 3, 12, TimeSpan.Zero),
                new DateTimeOffset(2026, 7, 14, 14, 3, 12, TimeSpan.FromHours(-4)), -1500L, true).ToString()); // no header: rows only

    /// <summary>A reader as strict as a spreadsheet's import: quoted fields, doubled quotes, CRLF records.</summary>
    private static List<List<string>> ReadBack(string csv)
    {
        var records = new List<List<string>> { new() };
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { records[^1].Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n') { records[^1].Add(field.ToString()); field.Clear(); records.Add([]); i++; }
            else field.Append(c);
        }
        records.RemoveAt(records.Count - 1);
        return records;
    }
}
