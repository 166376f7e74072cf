using Collab.Brew;

namespace Inventory.Api.Festivals;

/// <summary>What one kiosk (or tour stop) took for one brewery's beer: who holds the money, whose beer it was.</summary>
public sealed record KioskTakings(string Kiosk, string Collector, string Brewery, long Units, long RevenueCents);

/// <summary>
/// One party's account after a festival: what its beer sold for, the kiosk fee on it, what it is owed,
/// what it collected at the kiosks it held, and the balance (positive: to receive; negative: to pay).
/// </summary>
public sealed record SettlementStatement(string Party, long Units, long RevenueCents, long FeeCents, long OwedCents, long CollectedCents, long BalanceCents);

/// <summary>A festival's settlement: each party's statement and the fewest transfers that bring every balance to zero.</summary>
public sealed record FestivalSettlement(string Festival, int KioskFeeBasisPoints, long TakingsCents, IReadOnlyList<SettlementStatement> Statements, IReadOnlyList<Transfer> Transfers);

/// <summary>
/// Who owes whom after a festival (issue 17). At each kiosk someone collects the money: the Table at a
/// festival's kiosks, the host brewery at a tour stop. Each brewery is owed what its beer sold for, less
/// the agreed kiosk fee (basis points of its takings), which the Table is owed. A party's balance is what
/// it is owed less what it holds; the balances sum to zero in integer cents, and Collab.Brew's
/// <see cref="Settlement.FewestTransfers"/> settles them with the fewest transfers.
/// </summary>
public static class KioskSettlement
{
    /// <summary>The Table des microbrasseries COOP as a party: it collects at festival kiosks and keeps the fees.</summary>
    public const string Table = "table";

    public static FestivalSettlement Compute(string festival, int kioskFeeBasisPoints, IReadOnlyList<KioskTakings> takings)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(kioskFeeBasisPoints);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(kioskFeeBasisPoints, 10_000);
        var breweries = takings.GroupBy(t => t.Brewery).ToDictionary(g => g.Key, g => (Units: g.Sum(t => t.Units), Revenue: g.Sum(t => t.RevenueCents)));
        // The fee on each brewery's whole takings, rounded half away from zero: integer cents, exact sums.
        var fees = breweries.ToDictionary(b => b.Key, b => (long)Math.Round(b.Value.Revenue * (decimal)kioskFeeBasisPoints / 10_000m, MidpointRounding.AwayFromZero));
        var collected = takings.GroupBy(t => t.Collector).ToDictionary(g => g.Key, g => g.Sum(t => t.RevenueCents));
        var parties = breweries.Keys.Union(collected.Keys).Append(Table).Distinct().Order(StringComparer.Ordinal).ToList();
        var statements = parties.Select(party =>
        {
            var (units, revenue) = breweries.GetValueOrDefault(party);
            var fee = fees.GetValueOrDefault(party);
            var owed = revenue - fee + (party == Table ? fees.Values.Sum() : 0);
            var held = collected.GetValueOrDefault(party);
            return new SettlementStatement(party, units, revenue, fee, owed, held, owed - held);
        }).Where(s => s.Party != Table || s.OwedCents != 0 || s.CollectedCents != 0).ToList();
        return new FestivalSettlement(festival, kioskFeeBasisPoints, takings.Sum(t => t.RevenueCents), statements,
            Settlement.FewestTransfers(statements.Select(s => (s.Party, s.BalanceCents)).ToList()));
    }
}
