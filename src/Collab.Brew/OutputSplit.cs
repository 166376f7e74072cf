namespace Collab.Brew;

/// <summary>The units of one SKU a partner takes.</summary>
public sealed record Allotment(string PartnerKey, string Sku, int Units, int MillilitresPerUnit);

/// <summary>
/// The packaged output split among the partners who take their share in beer, SKU by SKU, with
/// <see cref="FairSplit.LargestRemainder"/>: every unit goes to someone, no unit is cut.
/// </summary>
public static class OutputSplit
{
    /// <summary>The units of each SKU each beer-taking partner receives (partners with no units are left out).</summary>
    /// <exception cref="CollabRuleException">No partner takes beer, the beer takers have no share, or the input breaks a rule.</exception>
    public static IReadOnlyList<Allotment> Split(IReadOnlyList<Partner> partners, SharingAgreement agreement,
        IReadOnlyList<Contribution> contributions, PackagingResult packaging)
    {
        CollabRules.Check(partners, agreement, contributions);
        var weights = agreement.Weights(partners, contributions);
        var beerTakers = weights.Where(w => partners.Single(p => p.Key == w.Key).Takes is ShareTaking.InBeer).ToList();
        if (beerTakers.Count == 0) throw new CollabRuleException("at least one partner must take its share in beer: someone takes the beer home");
        if (beerTakers.All(w => w.Weight == 0)) throw new CollabRuleException("the partners taking beer have no share under this agreement");

        var allotments = new List<Allotment>();
        foreach (var sku in packaging.Skus)
            foreach (var (key, part) in FairSplit.LargestRemainder(sku.Units, beerTakers))
                if (part > 0) allotments.Add(new Allotment(key, sku.Sku, (int)part, sku.MillilitresPerUnit));
        return allotments;
    }
}

/// <summary>A rule of collab brews that the input breaks.</summary>
public sealed class CollabRuleException(string message) : InvalidOperationException(message);

/// <summary>The rules every collab brew's partners, agreement and contributions must keep.</summary>
public static class CollabRules
{
    public static void Check(IReadOnlyList<Partner> partners, SharingAgreement agreement, IReadOnlyList<Contribution> contributions)
    {
        if (partners.Count == 0) throw new CollabRuleException("a collab brew has at least one partner");
        if (partners.Select(p => p.Key).Distinct(StringComparer.Ordinal).Count() != partners.Count) throw new CollabRuleException("partner keys must be distinct");
        if (contributions.FirstOrDefault(c => partners.All(p => p.Key != c.PartnerKey)) is { } stray)
            throw new CollabRuleException($"contribution '{stray.Description}' is from '{stray.PartnerKey}', who is not a partner");
        if (contributions.FirstOrDefault(c => c.ValueCents < 0) is { } negative)
            throw new CollabRuleException($"contribution '{negative.Description}' has a negative value");
        if (agreement.Problem(partners) is { } problem) throw new CollabRuleException(problem);
    }
}
