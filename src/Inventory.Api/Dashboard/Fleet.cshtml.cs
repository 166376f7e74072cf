using FrigoCoop.Telemetry;
using Inventory.Api.Catalogue;
using Inventory.Api.Festivals;
using Inventory.Api.FridgeStatus;
using Inventory.Api.Localisation;
using Inventory.Api.Stock;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Inventory.Api.Dashboard;

/// <summary>Every fridge and kiosk: temperature, door, power, last seen and active alerts, colour-coded and labelled.</summary>
public sealed class FleetModel(FleetReader fleet, FestivalQueries festivals, CatalogueQueries catalogue, StockQueries stock,
    IOptions<RestockOptions> restock, TimeProvider time) : PageModel
{
    /// <summary>COOP fridges' beers under par for longer than <see cref="RestockOptions.LongUnderPar"/> (a brewer: its own beers).</summary>
    public IReadOnlyList<RestockLine> LongUnderPar { get; private set; } = [];
    public TimeSpan LongUnderParLimit => restock.Value.LongUnderPar;

    public IReadOnlyList<FridgeStatusView> Devices { get; private set; } = [];
    public IReadOnlyList<string> Regions { get; private set; } = [];
    public string? Region { get; private set; }
    public string? Kind { get; private set; }
    public string? Festival { get; private set; }
    public string? Brewery { get; private set; }
    public IReadOnlyList<string> Festivals { get; private set; } = [];
    public IReadOnlyList<string> Breweries { get; private set; } = [];
    public string? Unavailable { get; private set; }
    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(string? region, string? kind, string? festival, string? brewery, CancellationToken ct)
    {
        Now = time.GetUtcNow();
        (Region, Kind) = (string.IsNullOrEmpty(region) ? null : region, string.IsNullOrEmpty(kind) ? null : kind);
        (Festival, Brewery) = (string.IsNullOrEmpty(festival) ? null : festival, string.IsNullOrEmpty(brewery) ? null : brewery);
        Festivals = await festivals.CodesAsync(ct);
        LongUnderPar = (await stock.RestockAsync(Auth.Caller.From(User), null, ct)).Where(l => l.UnderParLongerThan(LongUnderParLimit, Now))
            .OrderBy(l => l.BelowParSince ?? DateTimeOffset.MinValue).ToList();
        Breweries = (await catalogue.BreweriesAsync(ct)).Select(b => b.Slug).Order(StringComparer.Ordinal).ToList();
        // Devices on the festival's kiosks; devices where the brewery's beer stands.
        var inScope = await fleet.DevicesInScopeAsync(Festival, Brewery, ct);
        List<FridgeStatusView> all;
        try { all = await fleet.ReadAsync(ct); }
        catch (TelemetryUnavailableException e) { Unavailable = e.Message; return; }
        Regions = all.Select(d => d.Region).OfType<string>().Distinct().Order().ToList();
        Devices = all.Where(d => (Region is null || d.Region == Region) && (Kind is null || d.Kind == Kind) && inScope.Contains(d.DeviceId))
            .OrderByDescending(d => d.ActiveAlerts.Count).ThenBy(d => d.DeviceId).ToList();
    }

    /// <summary>
    /// The colour and the words for a device's state (never colour alone), from one source: the alerts the
    /// gateway actually raised (its thresholds: <see cref="BeerTemperature"/>), else the band where beer keeps —
    /// a reading outside 2-4 °C without an alert is one to watch, never "normal" beside a 2-4 °C legend.
    /// </summary>
    public static (string Css, string Label) Status(FridgeStatusView d, DateTimeOffset now, IStringLocalizer<PageText> L) => d switch
    {
        { ActiveAlerts.Count: > 0 } => ("alert", L["alerte"]),
        { LastSeen: null } => ("stale", L["silencieux"]),
        _ when now - d.LastSeen!.Value > TimeSpan.FromSeconds(d.ReportingIntervalSeconds * 5) => ("stale", L["silencieux"]),
        { Latest.TempC: var t } when t is < BeerTemperature.KeepsFromC or > BeerTemperature.KeepsToC =>
            ("warn", L["à surveiller : hors de {0}-{1} °C", BeerTemperature.KeepsFromC, BeerTemperature.KeepsToC]),
        _ => ("ok", L["normal"]),
    };

    public static string Ago(TimeSpan span, IStringLocalizer<PageText> L) => span.TotalMinutes < 1 ? L["à l'instant"]
        : span.TotalHours < 1 ? L["il y a {0:0} min", span.TotalMinutes]
        : span.TotalDays < 1 ? L["il y a {0:0} h", span.TotalHours]
        : L["il y a {0:0} j", span.TotalDays];
}
