namespace Inventory.Api.Stock;

/// <summary>
/// Beer exposed to heat: when a fridge stays above its limit long enough (its <c>temperature_high</c>
/// alert lasting at least <see cref="ExposureOptions.ExposedAfter"/>), the units of each lot that stood on its
/// shelf for that long during the excursion are exposed. Pure: the times are the devices' and the ledger's
/// (event time), so a late reading or a movement recorded late changes the answer only through its own time.
/// </summary>
public static class ExposureRule
{
    /// <summary>A change of one lot's units at the place, at the moment it happened (the movement's occurred_at).</summary>
    public sealed record Change(DateTimeOffset At, int Delta);

    /// <summary>Whether an excursion from <paramref name="start"/> (to <paramref name="end"/>, or still going at <paramref name="now"/>) lasted long enough.</summary>
    public static bool LastedLongEnough(DateTimeOffset start, DateTimeOffset? end, DateTimeOffset now, TimeSpan exposedAfter) =>
        (end ?? now) - start >= exposedAfter;

    /// <summary>
    /// The units of one lot that stood at the place for at least <paramref name="exposedAfter"/> without a
    /// break during the excursion [<paramref name="start"/>, <paramref name="end"/>]: the most units held
    /// throughout any stretch of that length. Units sold early in the excursion were not there long enough;
    /// a lot delivered near its end neither (an excursion spanning a restock).
    /// </summary>
    /// <param name="unitsAtStart">The lot's units at the place when the excursion began.</param>
    /// <param name="changes">The lot's changes at the place, any order; those outside the excursion are ignored.</param>
    public static int ExposedUnits(int unitsAtStart, IEnumerable<Change> changes, DateTimeOffset start, DateTimeOffset end, TimeSpan exposedAfter)
    {
        if (end - start < exposedAfter) return 0;
        // The lot's level as steps: (from this moment, this many units).
        var steps = new List<(DateTimeOffset From, int Units)> { (start, unitsAtStart) };
        foreach (var change in changes.Where(c => c.At > start && c.At <= end).OrderBy(c => c.At))
        {
            var units = steps[^1].Units + change.Delta;
            if (steps[^1].From == change.At) steps[^1] = (change.At, units);
            else steps.Add((change.At, units));
        }
        // The best stretch begins where a step begins (or ends where the excursion ends).
        var best = 0;
        foreach (var from in steps.Select(s => s.From).Append(end - exposedAfter).Where(f => f + exposedAfter <= end))
        {
            var to = from + exposedAfter;
            var held = int.MaxValue;
            for (var i = 0; i < steps.Count; i++)
            {
                var stepEnd = i + 1 < steps.Count ? steps[i + 1].From : end;
                if (steps[i].From < to && stepEnd > from) held = Math.Min(held, steps[i].Units);
            }
            best = Math.Max(best, held);
        }
        return Math.Max(0, best);
    }

    /// <summary>One lot of a beer at the place: its units when the excursion began and its changes.</summary>
    public sealed record LotFacts(string LotCode, int UnitsAtStart, IReadOnlyList<Change> Changes);

    /// <summary>
    /// The exposed units of each lot of one beer, never more in all than the beer's own units that stood there: a sale the
    /// ledger booked before the lot it came from reached it (facts out of order) sits in no lot (""), below zero, while
    /// the lot keeps the unit; the beer's count is right, so the excess comes off the oldest lots first, where sales are
    /// taken from (lot codes are dated, so their order is their age).
    /// </summary>
    public static Dictionary<string, int> ExposedByLot(IReadOnlyList<LotFacts> lots, DateTimeOffset start, DateTimeOffset end, TimeSpan exposedAfter)
    {
        var byLot = lots.ToDictionary(l => l.LotCode, l => ExposedUnits(l.UnitsAtStart, l.Changes, start, end, exposedAfter), StringComparer.Ordinal);
        var beer = ExposedUnits(lots.Sum(l => l.UnitsAtStart), lots.SelectMany(l => l.Changes).ToList(), start, end, exposedAfter);
        var excess = byLot.Values.Sum() - beer;
        foreach (var lot in byLot.Keys.Order(StringComparer.Ordinal).ToList())
        {
            if (excess <= 0) break;
            var off = Math.Min(excess, byLot[lot]);
            byLot[lot] -= off;
            excess -= off;
        }
        return byLot;
    }
}

/// <summary>Settings of the exposed-stock rule (section <c>Exposure</c>), validated at start.</summary>
public sealed class ExposureOptions
{
    /// <summary>How long above its limit (the gateway's temperature_high) a fridge's beer may stand before it is exposed.</summary>
    public TimeSpan ExposedAfter { get; set; } = TimeSpan.FromHours(2);

    public bool IsValid => ExposedAfter >= TimeSpan.FromMinutes(15) && ExposedAfter <= TimeSpan.FromDays(2);
}
