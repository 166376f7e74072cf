using Inventory.Api.Dashboard;
using Inventory.Api.FridgeStatus;
using Inventory.Api.Infrastructure;
using Inventory.Api.Localisation;

namespace Inventory.Api.FunctionalTests;

/// <summary>The fridge page's chart speaks the reader's language and shows the Table's clock, as the rest of the page does.</summary>
public sealed class TemperatureChartTests
{
    private static readonly TableCalendar Quebec = new(TimeZoneInfo.FindSystemTimeZoneById(TableCalendar.QuebecZone), TimeProvider.System);
    private static readonly DateTimeOffset From = new(2026, 7, 14, 4, 0, 0, TimeSpan.Zero); // midnight in Québec (UTC−4)
    private static readonly DateTimeOffset To = From.AddDays(1);

    private static string Chart(System.Globalization.CultureInfo culture) => PageWords.In(culture, L => TemperatureChart.Render(
        [new TemperaturePoint(From.AddHours(1), 3.0, 2.8, 3.2)],
        [new AlertPeriod("temperature_high", From.AddHours(14), From.AddHours(15))],
        [new TimelineEvent(From.AddHours(18), "door_opened")],
        From, To, L, Quebec));

    [Fact]
    public void An_english_reader_reads_the_chart_in_english()
    {
        var chart = Chart(Language.English);
        Assert.Contains("aria-label=\"Temperature over 1 intervals, from 2026-07-14 00:00 EDT to 2026-07-15 00:00 EDT\"", chart);
        Assert.Contains("°C: beer keeps</title>", chart);
        Assert.Contains("<title>door opened 18:00</title>", chart);
        Assert.DoesNotContain("Température", chart);
        Assert.DoesNotContain("bière", chart);
    }

    [Fact]
    public void A_french_reader_reads_it_in_french_with_the_tables_clock_on_the_axis()
    {
        var chart = Chart(Language.French);
        Assert.Contains("aria-label=\"Température de 1 intervalles, du 2026-07-14 00:00 HAE au 2026-07-15 00:00 HAE\"", chart);
        Assert.Contains("<title>porte ouverte 18:00</title>", chart); // 22:00 UTC
        Assert.Contains(">07-14 00:00</text>", chart);                // the axis starts at the Table's midnight, not 04:00 UTC
        Assert.DoesNotContain(">07-14 04:00</text>", chart);
    }
}
