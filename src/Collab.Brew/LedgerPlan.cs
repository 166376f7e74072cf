namespace Collab.Brew;

/// <summary>A movement the inventory ledger must record for the brew.</summary>
/// <param name="Kind">production or transfer.</param>
public sealed record PlannedMovement(string Kind, string Sku, int Units, string? FromLocation, string ToLocation, string LotCode);

/// <summary>
/// What packaging puts into the ledger: the whole output produced at the host, then each beer
/// taker's part transferred to its location (none when that is the host's own). Each member brewery's part is a beer
/// of its own (<see cref="ShareSku"/>): the cans a partner took at cost are its own to sell, so every figure of their
/// sales is that brewery's, as for any beer it brews, and no other brewery sees them.
/// </summary>
public static class LedgerPlan
{
    /// <summary>The longest SKU the inventory takes.</summary>
    public const int MaxSkuLength = 40;

    /// <summary>
    /// The SKU a partner's part of a packaged SKU is booked under: the packaged SKU itself for the host and for a
    /// partner that is not a member brewery (it sells nothing through the Table's channels), else the packaged SKU
    /// followed by the partner's key (e.g. EPAULE-473-DU-QUAI).
    /// </summary>
    /// <exception cref="CollabRuleException">The partner's SKU would be longer than the inventory takes.</exception>
    public static string ShareSku(string packagedSku, Partner partner, string hostKey)
    {
        if (partner.Key == hostKey || !partner.IsMemberBrewery) return packagedSku;
        var sku = $"{packagedSku}-{partner.Key.ToUpperInvariant()}";
        if (sku.Length > MaxSkuLength)
            throw new CollabRuleException($"{partner.Key}'s part of {packagedSku} would be {sku}, longer than {MaxSkuLength} characters: use a shorter SKU");
        return sku;
    }

    /// <summary>
    /// The movements, production first (each SKU's part booked under its owner's SKU, in SKU order), then transfers in
    /// SKU and partner order (deterministic).
    /// </summary>
    public static IReadOnlyList<PlannedMovement> For(string hostLocation, string hostKey, string lotCode, IReadOnlyList<Partner> partners,
        PackagingResult packaging, IReadOnlyList<Allotment> allotments)
    {
        var parts = allotments.OrderBy(a => a.Sku, StringComparer.Ordinal).ThenBy(a => a.PartnerKey, StringComparer.Ordinal)
            .Select(a => (Allotment: a, Partner: partners.Single(p => p.Key == a.PartnerKey)))
            .Select(x => (x.Allotment, x.Partner, Sku: ShareSku(x.Allotment.Sku, x.Partner, hostKey))).ToList();
        var produced = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var sku in packaging.Skus.Where(s => s.Units > 0)) produced[sku.Sku] = sku.Units;
        foreach (var part in parts.Where(p => p.Sku != p.Allotment.Sku))
        {
            produced[part.Allotment.Sku] -= part.Allotment.Units;
            produced[part.Sku] = part.Allotment.Units;
        }
        var movements = produced.Where(p => p.Value > 0).Select(p => new PlannedMovement("production", p.Key, p.Value, null, hostLocation, lotCode)).ToList();
        foreach (var (allotment, partner, sku) in parts)
            if (partner.Takes is ShareTaking.InBeer beer && beer.LocationCode != hostLocation)
                movements.Add(new PlannedMovement("transfer", sku, allotment.Units, hostLocation, beer.LocationCode, lotCode));
        return movements;
    }
}
