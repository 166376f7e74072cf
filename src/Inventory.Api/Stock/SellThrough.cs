namespace Inventory.Api.Stock;

/// <summary>A shelf count of one SKU at one place: the units seen at an instant (a SKU a count does not list has 0).</summary>
/// <param name="Id">The count's identity, the same for every SKU it counted.</param>
public readonly record struct CountFact(long Id, DateTimeOffset At, int Units);

/// <summary>
/// A movement of one SKU at a counted place that its counts did not derive: a delivery or a removal (a person's),
/// a kiosk's own sale (a device's). <paramref name="Delta"/> is positive into the place, negative out of it.
/// </summary>
/// <param name="Ticked">
/// Entered by a person: its time is when they ticked it, which may be minutes before or after the door was
/// opened (<see cref="SellThrough.MatchWindow"/>). A device's movement is timed by the device and is never moved.
/// </param>
public readonly record struct ShelfMovement(DateTimeOffset At, int Delta, bool Ticked);

/// <summary>What one count of one SKU says, against what the shelf held at the count before plus the movements between.</summary>
/// <param name="Expected">The previous count's units + the movements placed before this count.</param>
/// <param name="Gone">Units that left the shelf unrecorded: sales at a COOP fridge, missing units at a kiosk.</param>
/// <param name="Found">Units on the shelf beyond what could be there: a discrepancy to look into, never negative sales.</param>
/// <param name="GivenBack">
/// Units of the previous count's <see cref="Gone"/> this count gave back: the shelf holds them again, so that count
/// read too few and they never left.
/// </param>
public readonly record struct CountOutcome(long CountId, int Expected, int Counted, int Gone, int Found, int GivenBack);

/// <summary>
/// The arithmetic of a counted shelf in event time (rule "Figures come from the facts, in event time"): for one SKU at one place, given every count
/// and every movement with the times they happened, what each count says left the shelf unrecorded. The result
/// is a function of the facts, never of the order they arrived in: the caller re-derives when a fact arrives whose
/// time is before facts already derived, and posts the differences (<see cref="ShelfLedger"/>).
/// <list type="number">
/// <item>Counts are ordered by time (ties by the order given). A movement belongs before the first count at or after
/// its time: a count at the same instant includes it.</item>
/// <item>A person ticks a line minutes before or after the door closes. A ticked movement goes just before the first
/// count within <see cref="MatchWindow"/> of it that shows it: for a delivery, the first count higher than the
/// count before; for a removal of n units, the first count at least n lower. When no count in the window shows it,
/// it stays at its own time.</item>
/// <item>Between consecutive counts, Expected = the previous count + the movements between. Fewer counted is
/// <see cref="CountOutcome.Gone"/>, more is <see cref="CountOutcome.Found"/>.</item>
/// <item>Found stock first gives back the previous count's Gone (that count read too few: the units never left),
/// the rest is found stock.</item>
/// </list>
/// Over any facts: Σ Gone − Σ Found = the first count's start + Σ movements placed up to the last count − the last
/// count (nothing is lost or made up by the arithmetic).
/// </summary>
public static class SellThrough
{
    /// <summary>How far a person's tick may be from the door's closing and still be matched to the count it made.</summary>
    public static readonly TimeSpan MatchWindow = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Derives every count of one SKU. <paramref name="counts"/> in order (time, then a stable key); the shelf
    /// holds 0 before the first count plus the movements before it, so a caller that loads a recent window only
    /// uses the outcomes after the window's first count (whose own outcome lacks the movements before the window).
    /// </summary>
    public static CountOutcome[] Derive(IReadOnlyList<CountFact> counts, IReadOnlyList<ShelfMovement> movements)
    {
        var n = counts.Count;
        var placed = new long[n + 1]; // movements placed before count i; [n]: after the last count
        foreach (var movement in movements)
            placed[Slot(counts, movement)] += movement.Delta;

        var outcomes = new CountOutcome[n];
        long previous = 0;
        for (var i = 0; i < n; i++)
        {
            var expected = (int)Math.Clamp(previous + placed[i], int.MinValue, int.MaxValue);
            var counted = counts[i].Units;
            outcomes[i] = new CountOutcome(counts[i].Id, expected, counted, Math.Max(0, expected - counted), Math.Max(0, counted - expected), 0);
            previous = counted;
        }
        for (var i = 1; i < n; i++)
        {
            var back = Math.Min(outcomes[i].Found, outcomes[i - 1].Gone);
            if (back == 0) continue;
            outcomes[i - 1] = outcomes[i - 1] with { Gone = outcomes[i - 1].Gone - back };
            outcomes[i] = outcomes[i] with { Found = outcomes[i].Found - back, GivenBack = back };
        }
        return outcomes;
    }

    /// <summary>The index of the count a movement belongs before (<c>counts.Count</c>: after the last one).</summary>
    private static int Slot(IReadOnlyList<CountFact> counts, ShelfMovement movement)
    {
        if (movement.Ticked && movement.Delta != 0)
        {
            for (var i = FirstAtOrAfter(counts, movement.At - MatchWindow); i < counts.Count && counts[i].At <= movement.At + MatchWindow; i++)
            {
                var before = i == 0 ? 0 : counts[i - 1].Units;
                var shows = movement.Delta > 0 ? counts[i].Units > before : counts[i].Units <= before + movement.Delta;
                if (shows) return i;
            }
        }
        return FirstAtOrAfter(counts, movement.At);
    }

    private static int FirstAtOrAfter(IReadOnlyList<CountFact> counts, DateTimeOffset at)
    {
        int low = 0, high = counts.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (counts[middle].At < at) low = middle + 1; else high = middle;
        }
        return low;
    }
}
