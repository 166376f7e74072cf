using FirmwareSim.Season;
using FrigoCoop.Client;
using FrigoCoop.Client.Models;
using Microsoft.Kiota.Abstractions;

namespace SeasonDriver;

/// <summary>
/// The season's world, set up through the API as the Table's lead would on a fresh database (no SQL): the member
/// breweries with their brewing places and beers, the COOP fridges' places, the fridge devices placed there before
/// the season, and the fridge price list with its changes.
/// </summary>
public static class World
{
    public static async Task SetUpAsync(FrigoCoopClient lead, SeasonFile season, CancellationToken ct)
    {
        var api = lead.Api.V1;
        var memberSince = season.FirstDay.AddYears(-1);
        foreach (var brewery in season.Breweries)
        {
            await api.Breweries.PostAsync(new NewBrewery
            {
                Slug = brewery.Slug, Name = brewery.Name, Region = brewery.Region, Status = brewery.JoinsOn is null ? "member" : "candidate", Since = Day(memberSince),
            }, cancellationToken: ct);
            // The Table's decisions, dated: a candidate admitted during the season, a member leaving it.
            if (brewery.JoinsOn is { } joins)
                await api.Table.Members[brewery.Slug].Status.PostAsync(new StatusChange { Status = "member", EffectiveOn = Day(joins) }, cancellationToken: ct);
            if (brewery.LeavesOn is { } leaves)
                await api.Table.Members[brewery.Slug].Status.PostAsync(new StatusChange { Status = "former", EffectiveOn = Day(leaves) }, cancellationToken: ct);
            await api.Locations.PostAsync(new NewLocation
            {
                Code = SeasonPlan.BreweryPlace(brewery.Slug), Name = $"{brewery.Name}, brasserie", Kind = "brewery", Region = brewery.Region, Brewery = brewery.Slug,
            }, cancellationToken: ct);
            foreach (var beer in brewery.Beers)
            {
                await api.Beers.PostAsync(new NewBeer { Sku = beer.Sku, Brewery = brewery.Slug, Name = beer.Name, Format = beer.Format, UnitsPerCase = 24 },
                    cancellationToken: ct);
                // In force from the eve of the season, when the fridges are filled.
                await api.Prices.PostAsync(new NewPrice { Sku = beer.Sku, Channel = "fridge", UnitPriceCents = beer.FridgeCents, ValidFrom = Day(season.FirstDay.AddDays(-1)) },
                    cancellationToken: ct);
            }
        }
        // The Table's money settings, each from its day (superseding what the platform started with).
        foreach (var setting in season.Money.OrderBy(m => m.From))
            await api.Money.Settings.PostAsync(new NewMoneySetting { Name = setting.Name, Value = setting.Value, ValidFrom = Day(setting.From) }, cancellationToken: ct);
        foreach (var change in season.PriceChanges.OrderBy(c => c.From))
            await api.Prices.PostAsync(new NewPrice { Sku = change.Sku, Channel = "fridge", UnitPriceCents = change.FridgeCents, ValidFrom = Day(change.From) },
                cancellationToken: ct);
        foreach (var fridge in season.Fridges)
        {
            foreach (var (place, name, region) in fridge.Places())
                await api.Locations.PostAsync(new NewLocation { Code = place, Name = name, Kind = "coop_fridge", Region = region }, cancellationToken: ct);
            await api.Devices[fridge.Device].PutAsync(new DeviceAssignment
            {
                Kind = "fridge", Location = fridge.Place, ReportingIntervalSeconds = 60, Since = season.At(season.FirstDay.AddDays(-2), TimeOnly.MinValue),
            }, cancellationToken: ct);
            // The fridge as the Table bought it, standing at its first place (its moves are the lead's, as they happen).
            if (fridge.Asset is { } asset)
            {
                await RegisterAsync(asset, fridge.Device);
                await api.Table.Assets[asset.Serial].Placements.PostAsync(new NewAssetPlacement { Location = fridge.Place, From = Day(asset.PlacedFrom) }, cancellationToken: ct);
            }
        }
        foreach (var spare in season.SpareFridges) await RegisterAsync(spare, null);

        Task RegisterAsync(SeasonAsset asset, string? device) => api.Table.Assets.PostAsync(new NewAsset
        {
            Serial = asset.Serial, Model = "True GDM-23", PurchasedOn = Day(asset.PurchasedOn), CostCents = asset.CostCents, Funding = asset.Funding, DeviceId = device,
        }, cancellationToken: ct);
    }

    /// <summary>
    /// The collab brews as the lead plans them before the season: host, brew day, volume, agreement and partners (a
    /// member brewery takes its share in beer at its brewery's place; another coop in cash). The rest is played on its days.
    /// </summary>
    public static async Task SetUpCollabBrewsAsync(FrigoCoopClient lead, SeasonFile season, CancellationToken ct)
    {
        foreach (var brew in season.CollabBrews)
            await lead.Api.V1.CollabBrews.PostAsync(new NewCollabBrew
            {
                Code = brew.Code, Name = brew.Name, HostBrewery = brew.Host, HostLocation = SeasonPlan.BreweryPlace(brew.Host), BrewDate = Day(brew.BrewDay),
                PlannedVolumeLitres = (double)brew.PlannedLitres, Agreement = brew.Agreement,
                Partners = [.. brew.Partners.Select(p => new NewPartner
                {
                    Key = p.Key, Name = p.Name, Role = p.Role, Brewery = p.Brewery, Takes = p.Takes,
                    Location = p.Takes == "beer" ? SeasonPlan.BreweryPlace(p.Brewery!) : null,
                })],
            }, cancellationToken: ct);
    }

    /// <summary>
    /// The grocery pilot as the lead sets it up: the stores, the wholesale price list, and each beer placed in its store
    /// from the first day to its last day on the shelf, if it has one (facings and the store's shelf price).
    /// </summary>
    public static async Task SetUpGroceryAsync(FrigoCoopClient lead, SeasonFile season, CancellationToken ct)
    {
        var api = lead.Api.V1;
        if (season.GroceryStores.Count > 0) await PriceListAsync(lead, season, "grocery", beer => beer.GroceryPrice, ct);
        foreach (var store in season.GroceryStores)
        {
            await api.Locations.PostAsync(new NewLocation { Code = store.Place, Name = store.PlaceName, Kind = "grocery_store", Region = store.Region }, cancellationToken: ct);
            foreach (var sku in store.Delivered.Keys.Order(StringComparer.Ordinal))
            {
                var beer = season.Breweries.SelectMany(b => b.Beers).Single(b => b.Sku == sku);
                await api.Grocery.Placements.PostAsync(new NewPlacement
                {
                    Sku = sku, Store = store.Place, StartsOn = Day(season.FirstDay), Facings = 2, ShelfPriceCents = beer.FridgeCents + store.ShelfCentsMarkup,
                    EndsOn = store.LastDays.TryGetValue(sku, out var last) ? Day(last) : null,
                }, cancellationToken: ct);
            }
        }
    }

    /// <summary>
    /// The festivals as the lead plans them: the festival with its member breweries, its kiosks, the kiosk price list
    /// (what the kiosks charge), and each kiosk's device placed there from the eve of the festival (a device serving
    /// two festivals is placed twice, each from its own eve: where it stood at a sale's time says whose sale it is).
    /// </summary>
    public static async Task SetUpFestivalsAsync(FrigoCoopClient lead, SeasonFile season, CancellationToken ct)
    {
        var api = lead.Api.V1;
        if (season.Festivals.Count > 0) await PriceListAsync(lead, season, "kiosk", beer => beer.KioskPrice, ct);
        foreach (var festival in season.Festivals.OrderBy(f => f.FirstDay))
        {
            var breweries = festival.Kiosks.SelectMany(k => k.Sent.Keys)
                .Select(sku => season.Breweries.Single(b => b.Beers.Any(beer => beer.Sku == sku)).Slug).Concat(festival.Kiosks.Select(k => k.Host).OfType<string>())
                .Distinct().Order(StringComparer.Ordinal).ToList();
            await api.Festivals.PostAsync(new NewFestival
            {
                Code = festival.Code, Name = festival.Name, Site = festival.Name, Region = festival.Region, StartsOn = Day(festival.FirstDay),
                EndsOn = Day(festival.FirstDay.AddDays(festival.Days - 1)), ExpectedAttendance = festival.Attendance, Breweries = breweries,
                KioskFeeBasisPoints = festival.KioskFeeBasisPoints, Kind = festival.Kind,
            }, cancellationToken: ct);
            foreach (var kiosk in festival.Kiosks)
            {
                await api.Festivals[festival.Code].Kiosks.PostAsync(new NewKiosk
                {
                    Code = kiosk.Code, Name = kiosk.Name, HostBrewery = kiosk.Host, On = kiosk.On is { } on ? Day(on) : null,
                }, cancellationToken: ct);
                // A tour's stop has no device (its host reports its sales by hand); a festival cancelled before its eve never had one placed.
                if (kiosk.Device is null || festival.CancelledOn is not null) continue;
                await api.Devices[kiosk.Device].PutAsync(new DeviceAssignment
                {
                    Kind = "kiosk", Location = festival.Place(kiosk), ReportingIntervalSeconds = 60, Since = festival.DevicesPlacedAt(season),
                }, cancellationToken: ct);
            }
        }
    }

    /// <summary>A channel's price list, in force from the eve of the season.</summary>
    private static async Task PriceListAsync(FrigoCoopClient lead, SeasonFile season, string channel, Func<SeasonBeer, long> price, CancellationToken ct)
    {
        foreach (var beer in season.Breweries.SelectMany(b => b.Beers))
            await lead.Api.V1.Prices.PostAsync(new NewPrice { Sku = beer.Sku, Channel = channel, UnitPriceCents = price(beer), ValidFrom = Day(season.FirstDay.AddDays(-1)) },
                cancellationToken: ct);
    }

    public static Date Day(DateOnly day) => new(day.Year, day.Month, day.Day);

    /// <summary>A day the API answers, as yyyy-MM-dd (empty when there is none).</summary>
    public static string Date(Date? day) => day is { } d ? $"{d.Year:0000}-{d.Month:00}-{d.Day:00}" : "";
}
