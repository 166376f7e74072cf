namespace Inventory.Api.Stock;

/// <summary>Units shown as brewers count them: whole cases plus loose units.</summary>
public readonly record struct CasesAndUnits(int Cases, int Units)
{
    public static CasesAndUnits Of(int totalUnits, int unitsPerCase)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(unitsPerCase, 1);
        // A negative level (a device sold what the ledger did not hold) keeps its sign on both parts.
        var cases = Math.DivRem(totalUnits, unitsPerCase, out var loose);
        return new CasesAndUnits(cases, loose);
    }

    public override string ToString() => $"{Cases} cs + {Units} u";
}

/// <summary>One lot's share of a quantity taken out of a location.</summary>
public readonly record struct LotTake(string LotCode, int Units);

/// <summary>What a withdrawal takes from each lot, and what the ledger did not hold.</summary>
public sealed record Allocation(IReadOnlyList<LotTake> Takes, int Shortfall);

/// <summary>Pure stock arithmetic of the ledger: which lots a withdrawal takes from.</summary>
public static class LotAllocation
{
    /// <summary>
    /// Takes <paramref name="wanted"/> units first-in-first-out over the lots in the order given (oldest
    /// first), never more than a lot holds. What remains is the shortfall, charged to
    /// <paramref name="shortfallLot"/> when it is allowed.
    /// </summary>
    public static Allocation Take(IReadOnlyList<(string LotCode, int Units)> lots, int wanted, string shortfallLot = "")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(wanted);
        var takes = new List<LotTake>();
        var left = wanted;
        foreach (var (lot, units) in lots)
        {
            if (left == 0) break;
            if (units <= 0) continue;
            var take = Math.Min(units, left);
            takes.Add(new LotTake(lot, take));
            left -= take;
        }
        if (left > 0)
        {
            var existing = takes.FindIndex(t => t.LotCode == shortfallLot);
            if (existing >= 0) takes[existing] = takes[existing] with { Units = takes[existing].Units + left };
            else takes.Add(new LotTake(shortfallLot, left));
        }
        return new Allocation(takes, left);
    }
}
