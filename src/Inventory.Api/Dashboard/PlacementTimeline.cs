using System.Globalization;
using System.Net;
using System.Text;
using Inventory.Api.Festivals;

using Inventory.Api.Localisation;
using Microsoft.Extensions.Localization;

namespace Inventory.Api.Dashboard;

/// <summary>
/// Where each device stands, day by day, as an SVG drawn on the server: one row per device, one bar per
/// placement. The database refuses overlaps, so bars of one row never overlap.
/// </summary>
public static class PlacementTimeline
{
    private const int Width = 960, RowHeight = 26, Left = 130, Top = 24;

    public static string Render(IReadOnlyList<DevicePlacement> placements, IStringLocalizer<PageText> L)
    {
        if (placements.Count == 0) return "";
        var first = placements.Min(p => p.From).AddDays(-1);
        var last = placements.Max(p => p.To).AddDays(1);
        var days = Math.Max(1, last.DayNumber - first.DayNumber + 1);
        var devices = placements.Select(p => p.Device).Distinct().Order(StringComparer.Ordinal).ToList();
        double X(DateOnly d) => Left + (double)(d.DayNumber - first.DayNumber) / days * (Width - Left - 10);
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        string E(string s) => WebUtility.HtmlEncode(s);

        var height = Top + devices.Count * RowHeight + 10;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg class="chart timeline" viewBox="0 0 {Width} {height}" role="img" aria-label="{E(L["Placement des appareils du {0:yyyy-MM-dd} au {1:yyyy-MM-dd}", first, last])}" xmlns="http://www.w3.org/2000/svg">""");
        for (var i = 0; i <= 4; i++)
        {
            var d = first.AddDays((days - 1) * i / 4);
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{F(X(d))}" y="14" font-size="11" text-anchor="middle">{d:yyyy-MM-dd}</text>""");
        }
        for (var row = 0; row < devices.Count; row++)
        {
            var y = Top + row * RowHeight;
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="4" y="{y + 17}" font-size="12">{E(devices[row])}</text><line x1="{Left}" x2="{Width - 10}" y1="{y + RowHeight - 1}" y2="{y + RowHeight - 1}" stroke="#eee" />""");
            foreach (var p in placements.Where(p => p.Device == devices[row]))
            {
                var x1 = X(p.From);
                var x2 = Math.Max(x1 + 3, X(p.To.AddDays(1)));
                svg.Append(CultureInfo.InvariantCulture, $"""<rect class="placement" x="{F(x1)}" y="{y + 4}" width="{F(x2 - x1)}" height="{RowHeight - 8}" rx="3" fill="#12355b"><title>{E(p.Device)} : {E(p.Festival)}/{E(p.Kiosk)} {p.From:yyyy-MM-dd} → {p.To:yyyy-MM-dd}</title></rect>""");
            }
        }
        return svg.Append("</svg>").ToString();
    }
}
