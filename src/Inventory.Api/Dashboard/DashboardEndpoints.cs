using FrigoCoop.Telemetry;
using Inventory.Api.Auth;
using Inventory.Api.FridgeStatus;
using Inventory.Api.Infrastructure;
using Inventory.Api.Localisation;

namespace Inventory.Api.Dashboard;

/// <summary>The dashboard's pages (Razor Pages under Dashboard/) and its downloads.</summary>
public static class DashboardEndpoints
{
    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.MapRazorPages();
        app.MapLanguageSwitch();
        // The temperature log a food-safety inspector asks for: every reading of the period (a named one, or
        // du..au up to a year, the Table's days), on the Table's clock with its offset, one per line, the excursions
        // above the degrading temperature marked.
        // Read and written a week at a time: a year of minute readings never sits in memory at once.
        app.MapGet("/frigos/{deviceId}/journal.csv", async (string deviceId, string? periode, DateOnly? du, DateOnly? au, HttpContext http,
            FleetReader fleet, TimeProvider time, TableCalendar calendar, CancellationToken ct) =>
        {
            if (!Patterns.DeviceId().IsMatch(deviceId)) return Results.NotFound();
            var now = time.GetUtcNow();
            var (from, to) = du is { } start
                ? calendar.Days(start, au ?? calendar.DateOf(now))
                : (now - FridgeModel.Span(periode), now);
            if (to <= from || to - from > TimeSpan.FromDays(367))
                return Problems.Invalid("du", "the period must end after it starts and cover at most a year");
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"journal-{deviceId}-{from:yyyyMMdd}-{to.AddTicks(-1):yyyyMMdd}.csv\"";
            await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(false));
            await writer.WriteAsync(new Csv("horodatage", "temperature_c", "excursion", "porte_ouverte", "sur_batterie").ToString());
            for (var slice = from; slice < to; slice += TimeSpan.FromDays(7))
            {
                var end = slice + TimeSpan.FromDays(7) < to ? slice + TimeSpan.FromDays(7) : to;
                var rows = new Csv();
                foreach (var (at, temp, door, battery) in await fleet.ReadingsAsync(deviceId, slice, end, ct))
                    rows.Row(calendar.Local(at), Math.Round(temp, 2), temp > BeerTemperature.DegradesAboveC ? $"au-dessus de {BeerTemperature.DegradesAboveC} °C" : "", Bool(door), Bool(battery));
                await writer.WriteAsync(rows.ToString());
                await writer.FlushAsync(ct);
            }
            return Results.Empty;
        })
            .RequireAuthorization(Policies.People)
            .ExpensiveRead()
            .ExcludeFromDescription();
        return app;
    }

    private static string Bool(bool? value) => value switch { true => "oui", false => "non", _ => "" };
}
