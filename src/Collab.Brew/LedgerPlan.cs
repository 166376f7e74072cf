namespace Collab.Brew;

/// <summary>A movement the inventory ledger must record for the brew.</summary>
/// <param name="Kind">production or transfer.</param>
public sealed record PlannedMovement(string Kind, string Sku, int Units, string? FromLocation, string ToLocation, string LotCode);

/// <summary>
/// What packaging puts into the ledger: the whole output produced at the host, then each beer
/// taker's part transferred to its location (none when that is the host's own).
/// </summary>
public static class LedgerPlan
{
    /// <summary>The movements, production first, then transfers in SKU and partner order (deterministic).</summary>
    public static IReadOnlyList<PlannedMovement> For(string hostLocation, string lotCode, IReadOnlyList<Partner> partners,
        PackagingResult packaging, IReadOnlyList<Allotment> allotments)
    {
        var movements = packaging.Skus.Where(s => s.Units > 0)
            .Select(s => new PlannedMovement("production", s.Sku, s.Units, null, hostLocation, lotCode)).ToList();
        foreach (var allotment in allotments.OrderBy(a => a.Sku, StringComparer.Ordinal).ThenBy(a => a.PartnerKey, StringComparer.Ordinal))
        {
            var partner = partners.Single(p => p.Key == allotment.PartnerKey);
            if (partner.Takes is ShareTaking.InBeer beer && beer.LocationCode != hostLocation)
                movements.Add(new PlannedMovement("transfer", allotment.Sku, allotment.Units, hostLocation, beer.LocationCode, lotCode));
        }
        return movements;
    }
}
