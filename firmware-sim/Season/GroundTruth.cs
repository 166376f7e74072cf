using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FirmwareSim.Season;

/// <summary>Units and revenue of one COOP fridge for one brewery's beers over one Monday-to-Sunday Québec week.</summary>
public sealed record FridgeWeekTruth(string Fridge, string Brewery, DateOnly WeekOf, long Units, long RevenueCents);

/// <summary>Units and revenue of one brewery in one channel over the whole season.</summary>
public sealed record ChannelTruth(string Brewery, string Channel, long Units, long RevenueCents);

/// <summary>What one festival kiosk sold of one brewery's beers, and what was sent there for it.</summary>
public sealed record KioskTruth(string Festival, string Kiosk, string Brewery, long Sent, long Sold, long Returned, long RevenueCents)
{
    /// <summary>Nothing was lost: every unit sold or sent back.</summary>
    public long Loss => Sent - Sold - Returned;
}

/// <summary>
/// One party's account after a festival, by the agreement: each brewery is owed what its beer sold for less the kiosk
/// fee (basis points of its takings, rounded half away from zero to the cent); the Table collected every kiosk's
/// takings and is owed the fees. Balance: owed less collected (positive: to receive).
/// </summary>
public sealed record SettlementTruth(string Festival, string Party, long Units, long RevenueCents, long FeeCents, long OwedCents, long CollectedCents, long BalanceCents);

/// <summary>The figures the Table reads, as they really were: what every report of the season must equal.</summary>
public sealed record SeasonTotals(string Season, DateOnly FirstDay, DateOnly LastDay, List<FridgeWeekTruth> FridgeWeeks, List<ChannelTruth> Revenue,
    List<KioskTruth> Kiosks, List<SettlementTruth> Settlements, long UnitsStolen, long UnitsBroken)
{
    public static SeasonTotals Of(SeasonPlan plan)
    {
        var season = plan.Season;
        var breweryOf = season.Breweries.SelectMany(b => b.Beers.Select(beer => (beer.Sku, b.Slug))).ToDictionary(x => x.Sku, x => x.Slug, StringComparer.Ordinal);
        var sales = plan.Truth.Where(e => e.Type == "sale").ToList();
        var weeks = sales
            .GroupBy(e => (e.Place, Brewery: breweryOf[e.Sku!], Week: SeasonFile.MondayOf(season.DayOf(e.At))))
            .Select(g => new FridgeWeekTruth(g.Key.Place, g.Key.Brewery, g.Key.Week, g.Sum(e => e.Units), g.Sum(e => e.Units * e.UnitPriceCents!.Value)))
            .OrderBy(w => w.WeekOf).ThenBy(w => w.Fridge, StringComparer.Ordinal).ThenBy(w => w.Brewery, StringComparer.Ordinal).ToList();
        var revenue = plan.Truth.Where(e => e.Type is "sale" or "kiosk_sale" or "grocery_sale")
            .GroupBy(e => (Brewery: breweryOf[e.Sku!], Channel: e.Type switch { "sale" => "fridge", "kiosk_sale" => "kiosk", _ => "grocery" }))
            .Select(g => new ChannelTruth(g.Key.Brewery, g.Key.Channel, g.Sum(e => e.Units), g.Sum(e => e.Units * e.UnitPriceCents!.Value)))
            .OrderBy(r => r.Brewery, StringComparer.Ordinal).ThenBy(r => r.Channel, StringComparer.Ordinal).ToList();
        var kiosks = season.Festivals.SelectMany(f => f.Kiosks.Select(k => (Festival: f, Kiosk: k)))
            .SelectMany(x => x.Kiosk.Sent.Keys.Select(sku => breweryOf[sku]).Distinct().Select(brewery =>
            {
                var place = x.Festival.Place(x.Kiosk);
                var mine = plan.Truth.Where(e => e.Place == place && e.Sku is { } sku && breweryOf[sku] == brewery).ToList();
                var sold = mine.Where(e => e.Type == "kiosk_sale").ToList();
                return new KioskTruth(x.Festival.Code, x.Kiosk.Code, brewery, mine.Where(e => e.Type == "delivery").Sum(e => e.Units), sold.Sum(e => e.Units),
                    mine.Where(e => e.Type == "return").Sum(e => e.Units), sold.Sum(e => e.Units * e.UnitPriceCents!.Value));
            }))
            .OrderBy(k => k.Festival, StringComparer.Ordinal).ThenBy(k => k.Kiosk, StringComparer.Ordinal).ThenBy(k => k.Brewery, StringComparer.Ordinal).ToList();
        var settlements = new List<SettlementTruth>();
        foreach (var festival in season.Festivals)
        {
            // Who holds the money: the Table at a festival's kiosks, the host brewery at a tour's stop.
            var collectorOf = festival.Kiosks.ToDictionary(festival.Place, k => k.Host ?? "table", StringComparer.Ordinal);
            var places = collectorOf.Keys.ToHashSet(StringComparer.Ordinal);
            var sold = plan.Truth.Where(e => e.Type == "kiosk_sale" && places.Contains(e.Place)).GroupBy(e => breweryOf[e.Sku!])
                .Select(g => (Brewery: g.Key, Units: (long)g.Sum(e => e.Units), Revenue: g.Sum(e => e.Units * e.UnitPriceCents!.Value)))
                .OrderBy(b => b.Brewery, StringComparer.Ordinal).ToList();
            var fees = sold.ToDictionary(b => b.Brewery, b => (long)Math.Round(b.Revenue * (decimal)festival.KioskFeeBasisPoints / 10_000m, MidpointRounding.AwayFromZero));
            var collected = plan.Truth.Where(e => e.Type == "kiosk_sale" && places.Contains(e.Place)).GroupBy(e => collectorOf[e.Place])
                .ToDictionary(g => g.Key, g => g.Sum(e => e.Units * e.UnitPriceCents!.Value), StringComparer.Ordinal);
            var parties = sold.Select(b => b.Brewery).Concat(collected.Keys).Append("table").Distinct().Order(StringComparer.Ordinal);
            foreach (var party in parties)
            {
                var (_, units, takenFor) = sold.FirstOrDefault(b => b.Brewery == party);
                var fee = fees.GetValueOrDefault(party);
                var owed = takenFor - fee + (party == "table" ? fees.Values.Sum() : 0);
                var held = collected.GetValueOrDefault(party);
                if (party == "table" && owed == 0 && held == 0) continue; // the Table is a party only when it holds or is owed something
                settlements.Add(new SettlementTruth(festival.Code, party, units, takenFor, fee, owed, held, owed - held));
            }
        }
        return new SeasonTotals(season.Name, season.FirstDay, season.FirstDay.AddDays(season.Days - 1), weeks, revenue, kiosks, settlements,
            plan.Truth.Where(e => e.Type == "theft").Sum(e => e.Units), plan.Truth.Where(e => e.Type == "breakage").Sum(e => e.Units));
    }
}

/// <summary>Writes the ground truth of a season: <c>truth.jsonl</c> (every true event) and <c>totals.json</c>.</summary>
public static class GroundTruthFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task WriteAsync(SeasonPlan plan, SeasonTotals totals, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        await using (var events = new StreamWriter(Path.Combine(directory, "truth.jsonl")) { NewLine = "\n" })
            foreach (var e in plan.Truth)
                await events.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $$"""{"at":"{{e.At.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}","type":"{{e.Type}}","place":"{{e.Place}}","sku":{{(e.Sku is null ? "null" : $"\"{e.Sku}\"")}},"units":{{e.Units}},"unitPriceCents":{{(e.UnitPriceCents?.ToString(CultureInfo.InvariantCulture) ?? "null")}}}"""));
        await File.WriteAllTextAsync(Path.Combine(directory, "totals.json"), JsonSerializer.Serialize(totals, Json) + "\n", ct);
    }
}
