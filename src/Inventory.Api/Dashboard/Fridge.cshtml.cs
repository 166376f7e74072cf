using Inventory.Api.Alerts;
using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.FridgeStatus;
using Inventory.Api.Infrastructure;
using Inventory.Api.Localisation;
using Inventory.Api.Stock;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Inventory.Api.Dashboard;

public sealed record BeerInFridge(string Sku, int Ledger, int? Counted, int? Difference);

/// <summary>One fridge: its temperature chart, events, alerts, and the beers in it (ledger against the last shelf count).</summary>
public sealed class FridgeModel(FleetReader fleet, StockQueries stock, BeerQueries beers, AlertQueries alertQueries, TimeProvider time, TableCalendar calendar,
    IStringLocalizer<PageText> L) : PageModel
{
    public static readonly (string Key, string Label)[] Periods = [("24h", "24 h"), ("7j", "7 jours"), ("30j", "30 jours")];

    public string DeviceId { get; private set; } = "";
    public string Period { get; private set; } = "24h";
    public FridgeStatusView? Device { get; private set; }
    public string ChartSvg { get; private set; } = "";
    public string? Unavailable { get; private set; }
    public IReadOnlyList<BeerInFridge> Beers { get; private set; } = [];
    public DateTimeOffset? CountedAt { get; private set; }
    /// <summary>The device's alerts, newest first, with their durations (the alert history the API keeps).</summary>
    public IReadOnlyList<AlertView> Alerts { get; private set; } = [];
    public DateOnly Today { get; private set; }

    public static TimeSpan Span(string? period) => period switch { "7j" => TimeSpan.FromDays(7), "30j" => TimeSpan.FromDays(30), _ => TimeSpan.FromHours(24) };

    public async Task OnGetAsync(string deviceId, string? periode, CancellationToken ct)
    {
        DeviceId = deviceId;
        Period = Periods.Any(p => p.Key == periode) ? periode! : "24h";
        if (!Patterns.DeviceId().IsMatch(deviceId)) return;
        var to = time.GetUtcNow();
        var from = to - Span(Period);
        Today = calendar.DateOf(to);
        Alerts = await alertQueries.ListAsync(new AlertFilter(null, deviceId, 30), ct);
        try
        {
            Device = (await fleet.ReadAsync(ct)).SingleOrDefault(d => d.DeviceId == deviceId);
            if (Device is null) return;
            var points = await fleet.TemperaturesAsync(deviceId, from, to, null, ct);
            var (alerts, events) = await fleet.TimelineAsync(deviceId, from, to, ct);
            ChartSvg = TemperatureChart.Render(points, alerts, events, from, to, L, calendar);
            var (countedAt, counted) = await fleet.LastShelfCountAsync(deviceId, ct);
            CountedAt = countedAt;
            var ledger = await stock.AtDeviceAsync(deviceId, ct);
            // What stands on the shelf is there for all to see; the gap between the shelf and another brewery's
            // ledger is that brewery's discrepancy (rule "Each brewery sees its own"): a brewer sees his own beers' only.
            var visible = await beers.VisibleSkusAsync(Caller.From(User), ct);
            Beers = ledger.Keys.Union(counted.Keys).Order()
                .Select(sku => new BeerInFridge(sku, ledger.GetValueOrDefault(sku), countedAt is null ? null : counted.GetValueOrDefault(sku),
                    countedAt is null || (visible is not null && !visible.Contains(sku)) ? null : counted.GetValueOrDefault(sku) - ledger.GetValueOrDefault(sku)))
                .ToList();
        }
        catch (TelemetryUnavailableException e)
        {
            Unavailable = e.Message;
        }
    }
}
