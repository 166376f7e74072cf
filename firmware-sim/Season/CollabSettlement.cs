namespace FirmwareSim.Season;

/// <summary>A collab brew's partner after packaging: what it put in, what it took (units, and their value at cost), and its balance.</summary>
public sealed record CollabPartnerTruth(string Brew, string Partner, long ContributedCents, int UnitsTaken, long BeerValueCents, long BalanceCents);

/// <summary>
/// The truth's own arithmetic of a collab brew (docs/collab-brews.md, rules 2-7), in integers: the output split among the
/// partners taking beer by their weight under the agreement, the brew's cost spread over the litres each took, the
/// balances. Written apart from <c>Collab.Brew</c> (which the simulator does not reference), from the rules as stated.
/// </summary>
public static class CollabSettlement
{
    /// <summary>Each beer-taking partner's units of each SKU (none listed when it gets none).</summary>
    public static IEnumerable<(string Partner, string Sku, int Units)> Split(SeasonCollabBrew brew)
    {
        var weights = brew.Partners.Where(p => p.Takes == "beer").Select(p => (p.Key, Weight: WeightOf(brew, p.Key))).ToList();
        foreach (var line in brew.Lines)
            foreach (var (partner, units) in LargestRemainder(line.Units, weights).Where(s => s.Part > 0))
                yield return (partner, line.Sku, (int)units);
    }

    public static List<CollabPartnerTruth> Accounts(SeasonCollabBrew brew)
    {
        var split = Split(brew).ToList();
        var millilitres = brew.Partners.Select(p => (p.Key, Weight: split.Where(s => s.Partner == p.Key)
            .Sum(s => (long)s.Units * brew.Lines.Single(l => l.Sku == s.Sku).MillilitresPerUnit))).ToList();
        var total = brew.Contributions.Sum(c => c.ValueCents);
        var value = LargestRemainder(total, millilitres).ToDictionary(v => v.Key, v => v.Part, StringComparer.Ordinal);
        return [.. brew.Partners.Select(p =>
        {
            var contributed = brew.Contributions.Where(c => c.Partner == p.Key).Sum(c => c.ValueCents);
            return new CollabPartnerTruth(brew.Code, p.Key, contributed, split.Where(s => s.Partner == p.Key).Sum(s => s.Units), value[p.Key], contributed - value[p.Key]);
        })];
    }

    private static long WeightOf(SeasonCollabBrew brew, string partner) => brew.Agreement switch
    {
        "equal" => 1,
        "proportional" => brew.Contributions.Where(c => c.Partner == partner).Sum(c => c.ValueCents),
        _ => throw new InvalidDataException($"collab brew {brew.Code}: the season plays proportional or equal agreements"),
    };

    /// <summary>
    /// Hamilton's method: each its whole quota, the rest one each to the largest remainders; ties to the larger weight,
    /// then the key in ordinal order.
    /// </summary>
    private static List<(string Key, long Part)> LargestRemainder(long total, List<(string Key, long Weight)> weights)
    {
        var sum = (Int128)weights.Sum(w => w.Weight);
        var shares = weights.Select(w => (w.Key, w.Weight, Whole: (long)(total * (Int128)w.Weight / sum), Left: total * (Int128)w.Weight % sum)).ToList();
        var rest = total - shares.Sum(s => s.Whole);
        var bonus = shares.OrderByDescending(s => s.Left).ThenByDescending(s => s.Weight).ThenBy(s => s.Key, StringComparer.Ordinal)
            .Take((int)rest).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        return [.. shares.Select(s => (s.Key, s.Whole + (bonus.Contains(s.Key) ? 1 : 0)))];
    }
}
