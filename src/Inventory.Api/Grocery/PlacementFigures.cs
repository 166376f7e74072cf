namespace Inventory.Api.Grocery;

/// <summary>A ledger fact of one SKU at one grocery store, on its Table day: units into the store (+) or out of it (−).</summary>
/// <param name="Kind">The movement's kind: a <c>transfer</c> in is a delivery, out a pick-up; a <c>sale</c> (or its reversal) the store's reported sales.</param>
public sealed record GroceryFact(string Sku, string Store, DateOnly Day, string Kind, int SignedUnits);

/// <summary>
/// A placement's figures as of the end of a Table day (docs/ledger.md, "The grocery pilot: a placement's figures"). Pure:
/// the facts and the day in, the same figures out whatever order the facts were recorded in.
/// </summary>
public static class PlacementFigures
{
    /// <summary>
    /// Each placement's figures as of <paramref name="asOf"/>, over the <paramref name="weeks"/> Québec weeks that ended by
    /// then (the last one the week of <paramref name="asOf"/> when it is a Sunday). Listed: every placement begun by the
    /// day after <paramref name="asOf"/> (its delivery comes the evening before) that was on the shelf in those weeks.
    /// </summary>
    public static List<PlacementPerformance> Of(IReadOnlyList<Placement> placements, IReadOnlyList<GroceryFact> facts, DateOnly asOf, int weeks)
    {
        var windowEnd = asOf.AddDays(-((int)asOf.DayOfWeek % 7)); // the last Sunday on or before the day
        var windowStart = windowEnd.AddDays(1 - 7 * weeks);
        var shelves = placements.GroupBy(p => (p.Sku, p.Store)).ToDictionary(g => g.Key, g => g.OrderBy(p => p.StartsOn).ToList());
        var owner = facts.ToLookup(f => Owner(shelves[(f.Sku, f.Store)], f.Day));
        return placements
            .Where(p => p.StartsOn.AddDays(-1) <= asOf && (p.EndsOn is null || p.EndsOn >= windowStart))
            .OrderBy(p => p.Store, StringComparer.Ordinal).ThenBy(p => p.Sku, StringComparer.Ordinal).ThenBy(p => p.StartsOn)
            .Select(p => Figures(p, owner[p.Id].Where(f => f.Day <= asOf).ToList(), asOf, windowStart, windowEnd))
            .ToList();
    }

    /// <summary>
    /// The placement a fact belongs to: the latest of its SKU and store begun by the day after the fact (a delivery comes the
    /// evening before the first day on the shelf), so a pick-up after the last day and the report of the last week belong to
    /// the placement that ended; a fact before every placement, to the first.
    /// </summary>
    /// <param name="shelf">The placements of the fact's SKU and store, in the order they began.</param>
    private static long Owner(List<Placement> shelf, DateOnly day) => (shelf.LastOrDefault(p => p.StartsOn.AddDays(-1) <= day) ?? shelf[0]).Id;

    private static PlacementPerformance Figures(Placement placement, List<GroceryFact> facts, DateOnly asOf, DateOnly windowStart, DateOnly windowEnd)
    {
        var delivered = facts.Where(f => f is { Kind: "transfer", SignedUnits: > 0 }).Sum(f => f.SignedUnits);
        var takenBack = -facts.Where(f => f is { Kind: "transfer", SignedUnits: < 0 }).Sum(f => f.SignedUnits);
        var sold = -facts.Where(f => f.Kind is "sale" or "sale_reversal").Sum(f => f.SignedUnits);
        var onHand = facts.Sum(f => f.SignedUnits);
        // The weekly rate is over the days it stood on the shelf in the window: a placement that ended on a Wednesday sold
        // its last week's units in three days, not seven.
        var shelfFrom = placement.StartsOn > windowStart ? placement.StartsOn : windowStart;
        var shelfTo = placement.EndsOn is { } end && end < windowEnd ? end : windowEnd;
        var daysOnShelf = Math.Max(0, shelfTo.DayNumber - shelfFrom.DayNumber + 1);
        var soldInWindow = -facts.Where(f => f.Kind is "sale" or "sale_reversal" && f.Day >= windowStart && f.Day <= windowEnd).Sum(f => f.SignedUnits);
        var weekly = daysOnShelf == 0 ? 0 : Math.Round(soldInWindow * 7m / daysOnShelf, 2);
        var ended = placement.EndsOn < asOf;
        return new PlacementPerformance(placement.Sku, placement.Store, delivered, sold, onHand, delivered == 0 ? 0 : Math.Round(100m * sold / delivered, 1),
            weekly, ended || weekly == 0 ? null : Math.Round(Math.Max(0, onHand) / weekly, 1), !ended && onHand <= 0)
        {
            StartsOn = placement.StartsOn,
            EndsOn = placement.EndsOn,
            TakenBack = takenBack,
            Ended = ended,
            DaysOnShelf = daysOnShelf,
        };
    }
}
