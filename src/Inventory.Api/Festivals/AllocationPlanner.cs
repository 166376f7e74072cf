using Collab.Brew;

namespace Inventory.Api.Festivals;

/// <summary>A SKU's sales at one past festival, with that festival's attendance.</summary>
public sealed record PastSales(string Sku, long UnitsSold, int Attendance);

/// <summary>A suggested par level for one kiosk and SKU, and where the figure comes from.</summary>
public sealed record SuggestedPar(string Kiosk, string Sku, int ParUnits, string Basis);

/// <summary>
/// Suggests what each kiosk should hold. Where a SKU has sold at past festivals, its demand is its
/// units sold per attendee there times the expected attendance, with a safety margin; otherwise the
/// festival's baseline (units per attendee) is split evenly among the participating breweries, then
/// among each brewery's SKUs. Each SKU's total is split over the kiosks with the largest remainder
/// method, so the parts add up exactly. Pure: no I/O.
/// </summary>
public static class AllocationPlanner
{
    public const double SafetyMargin = 1.2;
    public const double BaselineUnitsPerAttendee = 0.6;

    public static IReadOnlyList<SuggestedPar> Suggest(
        IReadOnlyList<string> kiosks, IReadOnlyDictionary<string, IReadOnlyList<string>> skusByBrewery, int expectedAttendance, IReadOnlyList<PastSales> history)
    {
        if (kiosks.Count == 0) throw new ArgumentException("the festival has no kiosk yet", nameof(kiosks));
        var breweriesWithBeer = skusByBrewery.Where(b => b.Value.Count > 0).OrderBy(b => b.Key, StringComparer.Ordinal).ToList();
        if (breweriesWithBeer.Count == 0) throw new ArgumentException("no participating brewery has a beer", nameof(skusByBrewery));

        // Without history: the baseline, evenly per brewery, then per SKU of that brewery.
        var baseline = (long)Math.Round(expectedAttendance * BaselineUnitsPerAttendee);
        var perBrewery = FairSplit.LargestRemainder(baseline, breweriesWithBeer.Select(b => (b.Key, 1L)).ToList()).ToDictionary(p => p.Key, p => p.Part);

        var suggestions = new List<SuggestedPar>();
        foreach (var (brewery, skus) in breweriesWithBeer)
        {
            var evenShare = FairSplit.LargestRemainder(perBrewery[brewery], skus.Order(StringComparer.Ordinal).Select(s => (s, 1L)).ToList()).ToDictionary(p => p.Key, p => p.Part);
            foreach (var sku in skus.Order(StringComparer.Ordinal))
            {
                var past = history.Where(h => h.Sku == sku && h.Attendance > 0).ToList();
                long total;
                string basis;
                if (past.Count > 0)
                {
                    var perAttendee = (double)past.Sum(h => h.UnitsSold) / past.Sum(h => (long)h.Attendance);
                    total = (long)Math.Ceiling(perAttendee * expectedAttendance * SafetyMargin);
                    basis = $"history: {perAttendee:0.000} units per attendee at {past.Count} festival(s), +{(SafetyMargin - 1) * 100:0} %";
                }
                else
                {
                    total = evenShare[sku];
                    basis = $"no history: even split of {BaselineUnitsPerAttendee} units per attendee among {breweriesWithBeer.Count} breweries";
                }
                foreach (var (kiosk, part) in FairSplit.LargestRemainder(total, kiosks.Select(k => (k, 1L)).ToList()))
                    suggestions.Add(new SuggestedPar(kiosk, sku, (int)part, basis));
            }
        }
        return suggestions;
    }
}
