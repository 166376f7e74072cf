using Collab.Brew;
using Inventory.Api.Infrastructure;
using Inventory.Api.Money;

namespace Inventory.Api.Festivals;

/// <summary>
/// One line of what a kiosk (or tour stop) took for one brewery's beer: who holds the money, whose beer it was, the units
/// at one price under the same terms, what they sold for at that price, and the line's money (before taxes, each tax,
/// the deposit: rounded once for the line, docs/ledger.md "Money").
/// </summary>
public sealed record KioskTakings(string Kiosk, string Collector, string Brewery, long Units, long RevenueCents, LineMoney Money);

/// <summary>
/// One party's account after a festival: what its beer sold for (at the kiosk prices; before taxes, each tax and the
/// deposit collected on top), the kiosk fee on it, what it is owed, what it collected at the kiosks it held, and the
/// balance (positive: to receive; negative: to pay).
/// </summary>
public sealed record SettlementStatement(string Party, long Units, long RevenueCents, long NetCents, long GstCents, long QstCents, long DepositCents,
    long FeeCents, long OwedCents, long CollectedCents, long BalanceCents);

/// <summary>A festival's settlement: each party's statement and the fewest transfers that bring every balance to zero.</summary>
/// <param name="TakingsCents">Every kiosk's takings together: the lead's only (a brewer would subtract its own and know the others', rule "Each brewery sees its own").</param>
public sealed record FestivalSettlement(string Festival, int KioskFeeBasisPoints, long? TakingsCents, IReadOnlyList<SettlementStatement> Statements, IReadOnlyList<Transfer> Transfers);

/// <summary>What changed between two issued statements of a festival: each party's differences, and the fewest transfers that settle them.</summary>
public sealed record StatementCorrection(IReadOnlyList<SettlementStatement> Changes, IReadOnlyList<Transfer> Transfers);

/// <summary>A settlement as issued, numbered and frozen; from number 2 on, the correction it makes to the one before.</summary>
public sealed record IssuedStatement(string Festival, int Number, DateTimeOffset IssuedAt, string IssuedBy, FestivalSettlement Settlement, StatementCorrection? Correction);

/// <summary>
/// Who owes whom after a festival. At each kiosk someone collects the money: the Table at a
/// festival's kiosks, the host brewery at a tour stop. Each brewery is owed what was collected for its beer — the
/// price, with the taxes (it is the seller: it remits them) and the deposit (it answers for the containers) — less the
/// agreed kiosk fee, basis points of its sales before taxes (a fee is not charged on taxes or deposits), which the Table
/// is owed. A party's balance is what it is owed less what it holds; the balances sum to zero in integer cents, and
/// Collab.Brew's <see cref="Settlement.FewestTransfers"/> settles them with the fewest transfers.
/// </summary>
public static class KioskSettlement
{
    /// <summary>The Table des microbrasseries COOP as a party: it collects at festival kiosks and keeps the fees.</summary>
    public const string Table = "table";

    public static FestivalSettlement Compute(string festival, int kioskFeeBasisPoints, IReadOnlyList<KioskTakings> takings)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(kioskFeeBasisPoints);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(kioskFeeBasisPoints, 10_000);
        var breweries = takings.GroupBy(t => t.Brewery).ToDictionary(g => g.Key, g => (Units: g.Sum(t => t.Units), Revenue: g.Sum(t => t.RevenueCents),
            Net: g.Sum(t => t.Money.NetCents), Gst: g.Sum(t => t.Money.GstCents), Qst: g.Sum(t => t.Money.QstCents), Deposit: g.Sum(t => t.Money.DepositCents)));
        // The fee on each brewery's whole sales before taxes, rounded half away from zero: integer cents, exact sums.
        var fees = breweries.ToDictionary(b => b.Key, b => (long)Math.Round(b.Value.Net * (decimal)kioskFeeBasisPoints / 10_000m, MidpointRounding.AwayFromZero));
        var collected = takings.GroupBy(t => t.Collector).ToDictionary(g => g.Key, g => g.Sum(t => t.Money.TotalCents));
        var parties = breweries.Keys.Union(collected.Keys).Append(Table).Distinct().Order(StringComparer.Ordinal).ToList();
        var statements = parties.Select(party =>
        {
            var (units, revenue, net, gst, qst, deposit) = breweries.GetValueOrDefault(party);
            var fee = fees.GetValueOrDefault(party);
            var owed = net + gst + qst + deposit - fee + (party == Table ? fees.Values.Sum() : 0);
            var held = collected.GetValueOrDefault(party);
            return new SettlementStatement(party, units, revenue, net, gst, qst, deposit, fee, owed, held, owed - held);
        }).Where(s => s.Party != Table || s.OwedCents != 0 || s.CollectedCents != 0).ToList();
        return new FestivalSettlement(festival, kioskFeeBasisPoints, takings.Sum(t => t.Money.TotalCents), statements,
            Settlement.FewestTransfers(statements.Select(s => (s.Party, s.BalanceCents)).ToList()));
    }

    /// <summary>
    /// The correction from what was issued to what the facts say now: per party, every figure's difference (a party
    /// whose figures did not change is left out); the balances' differences sum to zero, so they settle by transfers
    /// of their own. Empty changes: nothing to correct.
    /// </summary>
    public static StatementCorrection Correct(FestivalSettlement issued, FestivalSettlement now)
    {
        var before = issued.Statements.ToDictionary(s => s.Party);
        var after = now.Statements.ToDictionary(s => s.Party);
        var none = new SettlementStatement("", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var changes = before.Keys.Union(after.Keys).Order(StringComparer.Ordinal).Select(party =>
        {
            var (b, a) = (before.GetValueOrDefault(party) ?? none, after.GetValueOrDefault(party) ?? none);
            return new SettlementStatement(party, a.Units - b.Units, a.RevenueCents - b.RevenueCents, a.NetCents - b.NetCents, a.GstCents - b.GstCents,
                a.QstCents - b.QstCents, a.DepositCents - b.DepositCents, a.FeeCents - b.FeeCents, a.OwedCents - b.OwedCents,
                a.CollectedCents - b.CollectedCents, a.BalanceCents - b.BalanceCents);
        }).Where(c => c != none with { Party = c.Party }).ToList();
        return new StatementCorrection(changes, Settlement.FewestTransfers(changes.Select(c => (c.Party, c.BalanceCents)).ToList()));
    }

    /// <summary>What a brewer sees of a settlement: its own statement and the transfers it is part of (rule "Each brewery sees its own").</summary>
    public static FestivalSettlement SeenBy(FestivalSettlement settlement, string? onlyParty) => onlyParty is null ? settlement : settlement with
    {
        TakingsCents = null,
        Statements = settlement.Statements.Where(s => s.Party == onlyParty).ToList(),
        Transfers = settlement.Transfers.Where(t => t.From == onlyParty || t.To == onlyParty).ToList(),
    };

    /// <summary>
    /// The issued statements a brewer sees: those that hold a line of its own — the first that names it, and each
    /// correction that changes it. A correction of others' figures alone is theirs: that one was issued at all (a late
    /// sale of another brewery) is not the brewer's to learn, nor are statements of a festival it is no party to.
    /// </summary>
    public static List<IssuedStatement> SeenBy(IReadOnlyList<IssuedStatement> statements, string? onlyParty) => onlyParty is null ? [.. statements]
        : IssuedStatements.SeenBy(statements, s => s.Settlement.Statements.Any(p => p.Party == onlyParty),
            s => s.Correction?.Changes.Any(c => c.Party == onlyParty) == true, s => SeenBy(s, onlyParty));

    /// <summary>What a brewer sees of an issued statement and its correction: its own lines and transfers.</summary>
    public static IssuedStatement SeenBy(IssuedStatement statement, string? onlyParty) => onlyParty is null ? statement : statement with
    {
        Settlement = SeenBy(statement.Settlement, onlyParty),
        Correction = statement.Correction is { } c ? new StatementCorrection(c.Changes.Where(s => s.Party == onlyParty).ToList(),
            c.Transfers.Where(t => t.From == onlyParty || t.To == onlyParty).ToList()) : null,
    };
}
