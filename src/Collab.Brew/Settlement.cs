namespace Collab.Brew;

/// <summary>Money one partner pays another to settle the brew.</summary>
public sealed record Transfer(string From, string To, long Cents);

/// <summary>A partner's account in the settlement.</summary>
/// <param name="ContributedCents">The value it put in (cash and in kind).</param>
/// <param name="BeerValueCents">The value, at cost, of the beer it takes.</param>
/// <param name="BalanceCents">Contributed − beer taken: positive, it is owed that much; negative, it owes it.</param>
public sealed record PartnerAccount(string PartnerKey, long ContributedCents, int UnitsTaken, long BeerValueCents, long BalanceCents)
{
    /// <summary>What each unit it took cost it, in cents (null when it takes none).</summary>
    public decimal? CostPerUnitCents => UnitsTaken == 0 ? null : Math.Round((decimal)BeerValueCents / UnitsTaken, 2);
}

/// <summary>The settlement of a brew: its cost, the cost of a litre, every partner's account, and who pays whom.</summary>
public sealed record SettlementResult(long TotalCostCents, decimal CostPerLitreCents, IReadOnlyList<PartnerAccount> Accounts, IReadOnlyList<Transfer> Transfers);

/// <summary>
/// Who owes whom once the brew is packaged. The brew costs what was put into it (every contribution
/// at its value). The beer is valued at that cost, spread over the litres packaged; each partner who
/// takes beer takes that value, and a partner who takes cash is reimbursed what it contributed.
/// Balances (contributed − taken) sum to zero to the cent, and are settled with the fewest transfers.
/// </summary>
public static class Settlement
{
    /// <summary>Accounts of every partner and the transfers that settle them.</summary>
    public static SettlementResult Compute(IReadOnlyList<Partner> partners, IReadOnlyList<Contribution> contributions, IReadOnlyList<Allotment> allotments)
    {
        var total = contributions.Sum(c => c.ValueCents);
        var litresTaken = partners.Select(p => (p.Key, allotments.Where(a => a.PartnerKey == p.Key).Sum(a => (long)a.Units * a.MillilitresPerUnit))).ToList();
        var packagedMl = litresTaken.Sum(l => l.Item2);
        if (packagedMl == 0) throw new CollabRuleException("nothing was packaged: there is no beer to settle");

        // The cost spread over the beer by volume, split to the cent with the largest remainder.
        var beerValue = FairSplit.LargestRemainder(total, litresTaken).ToDictionary(p => p.Key, p => p.Part);
        var accounts = partners.Select(p =>
        {
            var contributed = contributions.Where(c => c.PartnerKey == p.Key).Sum(c => c.ValueCents);
            var units = allotments.Where(a => a.PartnerKey == p.Key).Sum(a => a.Units);
            return new PartnerAccount(p.Key, contributed, units, beerValue[p.Key], contributed - beerValue[p.Key]);
        }).ToList();
        return new SettlementResult(total, Math.Round(total * 1000m / packagedMl, 2), accounts, FewestTransfers(accounts.Select(a => (a.PartnerKey, a.BalanceCents)).ToList()));
    }

    /// <summary>
    /// Transfers that bring every balance to zero, as few as possible: n partners with a non-zero
    /// balance need n − g transfers, where g is the largest number of groups summing to zero that they
    /// can be split into (found exactly over subsets for up to 16 partners, greedily beyond).
    /// </summary>
    public static IReadOnlyList<Transfer> FewestTransfers(IReadOnlyList<(string Key, long Balance)> balances)
    {
        if (balances.Sum(b => b.Balance) != 0) throw new ArgumentException("balances must sum to zero", nameof(balances));
        var open = balances.Where(b => b.Balance != 0).OrderBy(b => b.Key, StringComparer.Ordinal).ToList();
        if (open.Count > 16) return Greedy(open);

        var n = open.Count;
        var sums = new long[1 << n];
        for (var mask = 1; mask < 1 << n; mask++)
        {
            var low = System.Numerics.BitOperations.TrailingZeroCount(mask);
            sums[mask] = sums[mask & (mask - 1)] + open[low].Balance;
        }
        // groups[mask]: the most zero-sum groups the partners in mask can be cut into (one-by-one build-up).
        var groups = new int[1 << n];
        var from = new int[1 << n];
        for (var mask = 1; mask < 1 << n; mask++)
        {
            groups[mask] = -1;
            for (var i = 0; i < n; i++)
            {
                if ((mask & (1 << i)) == 0) continue;
                var candidate = groups[mask ^ (1 << i)];
                if (candidate > groups[mask]) { groups[mask] = candidate; from[mask] = i; }
            }
            if (sums[mask] == 0) groups[mask]++;
        }
        // Walk back: each time the running sum returns to zero, a group closes.
        var transfers = new List<Transfer>();
        var current = new List<(string, long)>();
        for (var mask = (1 << n) - 1; mask != 0;)
        {
            var i = from[mask];
            current.Add((open[i].Key, open[i].Balance));
            var rest = mask ^ (1 << i);
            if (sums[rest] == 0)
            {
                transfers.AddRange(Greedy(current));
                current.Clear();
            }
            mask = rest;
        }
        return transfers.OrderBy(t => t.From, StringComparer.Ordinal).ThenBy(t => t.To, StringComparer.Ordinal).ToList();
    }

    /// <summary>Largest debtor pays largest creditor until all are even (at most n − 1 transfers).</summary>
    private static List<Transfer> Greedy(IReadOnlyList<(string Key, long Balance)> group)
    {
        var creditors = group.Where(b => b.Balance > 0).Select(b => (b.Key, Left: b.Balance)).ToList();
        var debtors = group.Where(b => b.Balance < 0).Select(b => (b.Key, Left: -b.Balance)).ToList();
        var transfers = new List<Transfer>();
        while (creditors.Count > 0 && debtors.Count > 0)
        {
            creditors = creditors.OrderByDescending(c => c.Left).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
            debtors = debtors.OrderByDescending(d => d.Left).ThenBy(d => d.Key, StringComparer.Ordinal).ToList();
            var (creditor, owed) = creditors[0];
            var (debtor, owes) = debtors[0];
            var amount = Math.Min(owed, owes);
            transfers.Add(new Transfer(debtor, creditor, amount));
            creditors[0] = (creditor, owed - amount);
            debtors[0] = (debtor, owes - amount);
            creditors.RemoveAll(c => c.Left == 0);
            debtors.RemoveAll(d => d.Left == 0);
        }
        return transfers;
    }
}
