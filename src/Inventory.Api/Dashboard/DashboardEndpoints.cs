using Inventory.Api.Auth;
using Inventory.Api.FridgeStatus;
using Inventory.Api.Infrastructure;

namespace Inventory.Api.Dashboard;

/// <summary>The dashboard's pages (Razor Pages under Dashboard/) and its downloads.</summary>
public static class DashboardEndpoints
{
    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.MapRazorPages();
        app.MapLanguageSwitch();
        // The temperature log a food-safety inspector asks for: every reading of the period, UTC, one per line.
        app.MapGet("/frigos/{deviceId}/journal.csv", async (string deviceId, string? periode, FleetReader fleet, TimeProvider time, CancellationToken ct) =>
        {
            if (!Patterns.DeviceId().IsMatch(deviceId)) return Results.NotFound();
            var to = time.GetUtcNow();
            var readings = await fleet.ReadingsAsync(deviceId, to - FrigoModel.Span(periode), to, ct);
            var csv = new Csv("horodatage_utc", "temperature_c", "porte_ouverte", "sur_batterie");
            foreach (var (at, temp, door, battery) in readings) csv.Row(at, Math.Round(temp, 2), Bool(door), Bool(battery));
            return Results.File(csv.ToUtf8(), "text/csv; charset=utf-8", $"journal-{deviceId}-{to:yyyyMMdd}.csv");
        }).RequireAuthorization(Policies.People).ExcludeFromDescription();
        return app;
    }

    private static string Bool(bool? value) => value switch { true => "oui", false => "non", _ => "" };
}
