using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using FrigoCoop.Telemetry;
using Inventory.Api.FridgeStatus;
using Inventory.Api.Infrastructure;
using Microsoft.Extensions.Localization;

namespace Inventory.Api.Dashboard;

/// <summary>
/// A fridge's temperature as an inline SVG, drawn on the server: no script and no chart library to
/// download on a festival's network. The 2-4 °C band where beer keeps is shaded, 8 °C is marked,
/// alert periods are shaded red, door and power events are ticks on the time axis. Its words are the reader's
/// language and its times the Table's clock, as on the rest of the page.
/// </summary>
public static class TemperatureChart
{
    private const int Width = 960, Height = 320, Left = 44, Right = 12, Top = 12, Bottom = 40;

    public static string Render(IReadOnlyList<TemperaturePoint> points, IReadOnlyList<AlertPeriod> alerts, IReadOnlyList<TimelineEvent> events,
        DateTimeOffset from, DateTimeOffset to, IStringLocalizer words, TableCalendar calendar)
    {
        var min = Math.Min(-2, points.Count == 0 ? 0 : Math.Floor(points.Min(p => p.MinC)) - 1);
        var max = Math.Max(12, points.Count == 0 ? 0 : Math.Ceiling(points.Max(p => p.MaxC)) + 1);
        double X(DateTimeOffset t) => Left + (t - from).TotalSeconds / (to - from).TotalSeconds * (Width - Left - Right);
        double Y(double c) => Top + (max - c) / (max - min) * (Height - Top - Bottom);
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg class="chart temperature-chart" viewBox="0 0 {Width} {Height}" role="img" aria-label="{Encode(words["Température de {0} intervalles, du {1} au {2}", points.Count, calendar.Show(from, words), calendar.Show(to, words)])}" xmlns="http://www.w3.org/2000/svg">""");
        svg.Append(CultureInfo.InvariantCulture, $"""<rect class="band" x="{Left}" y="{F(Y(BeerTemperature.KeepsToC))}" width="{Width - Left - Right}" height="{F(Y(BeerTemperature.KeepsFromC) - Y(BeerTemperature.KeepsToC))}" fill="#e3f4e8"><title>{Encode(words["{0}-{1} °C : la bière se garde", BeerTemperature.KeepsFromC, BeerTemperature.KeepsToC])}</title></rect>""");
        foreach (var a in alerts)
        {
            var x1 = Math.Max(Left, X(a.From));
            var x2 = Math.Min(Width - Right, X(a.Until ?? to));
            if (x2 <= x1) continue;
            svg.Append(CultureInfo.InvariantCulture, $"""<rect class="alert-period" x="{F(x1)}" y="{Top}" width="{F(x2 - x1)}" height="{Height - Top - Bottom}" fill="#a4141b" fill-opacity="0.12"><title>{Encode(words[a.Type])}</title></rect>""");
        }
        for (var c = Math.Ceiling(min / 2) * 2; c <= max; c += 2)
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Left}" x2="{Width - Right}" y1="{F(Y(c))}" y2="{F(Y(c))}" stroke="#e5e5e5" /><text x="{Left - 6}" y="{F(Y(c) + 4)}" text-anchor="end" font-size="11">{F(c)}°</text>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<line class="limit" x1="{Left}" x2="{Width - Right}" y1="{F(Y(BeerTemperature.DegradesAboveC))}" y2="{F(Y(BeerTemperature.DegradesAboveC))}" stroke="#a4141b" stroke-dasharray="6 4"><title>{BeerTemperature.DegradesAboveC} °C</title></line>""");
        // The freezing line where the gateway raises temperature_low (the same constant), when the scale shows it.
        if (Y(BeerTemperature.FreezingRiskBelowC) <= Height - Bottom)
            svg.Append(CultureInfo.InvariantCulture, $"""<line class="freezing" x1="{Left}" x2="{Width - Right}" y1="{F(Y(BeerTemperature.FreezingRiskBelowC))}" y2="{F(Y(BeerTemperature.FreezingRiskBelowC))}" stroke="#12355b" stroke-dasharray="2 4"><title>{BeerTemperature.FreezingRiskBelowC} °C</title></line>""");
        for (var i = 0; i <= 4; i++)
        {
            var t = from + (to - from) * i / 4;
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{F(X(t))}" y="{Height - 8}" text-anchor="middle" font-size="11">{calendar.Local(t):MM-dd HH:mm}</text>""");
        }
        foreach (var e in events)
        {
            var color = e.Type.StartsWith("power", StringComparison.Ordinal) ? "#8a4b00" : "#12355b";
            svg.Append(CultureInfo.InvariantCulture, $"""<line class="event" x1="{F(X(e.At))}" x2="{F(X(e.At))}" y1="{Height - Bottom}" y2="{Height - Bottom + 8}" stroke="{color}"><title>{Encode(words[e.Type])} {calendar.Local(e.At):HH:mm}</title></line>""");
        }
        if (points.Count > 0)
        {
            svg.Append("""<polyline class="temperature" fill="none" stroke="#12355b" stroke-width="2" points=" """);
            foreach (var p in points) svg.Append(CultureInfo.InvariantCulture, $"{F(X(p.At))},{F(Y(p.MeanC))} ");
            svg.Append("\" />");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    // As the pages encode (é written as is, <, >, & and quotes encoded): WebUtility would write &#233;.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private static string Encode(string text) => Encoder.Encode(text);
}
