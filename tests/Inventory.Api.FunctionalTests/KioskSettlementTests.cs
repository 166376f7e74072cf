using Collab.Brew;
using CsCheck;
using Inventory.Api.Festivals;

namespace Inventory.Api.FunctionalTests;

/// <summary>Who owes whom after a festival: the arithmetic alone, over any takings.</summary>
public sealed class KioskSettlementTests
{
    [Fact]
    public void At_festival_kiosks_the_table_collects_keeps_the_fee_and_pays_each_brewery_its_takings_less_the_fee()
    {
        var settlement = KioskSettlement.Compute("fest", 1500,
        [
            new("k1", KioskSettlement.Table, "aube", 10, 8_000),
            new("k2", KioskSettlement.Table, "aube", 5, 4_000),
            new("k1", KioskSettlement.Table, "saint-fut", 20, 17_000),
        ]);

        var byParty = settlement.Statements.ToDictionary(s => s.Party);
        Assert.Equal(new SettlementStatement("aube", 15, 12_000, 1_800, 10_200, 0, 10_200), byParty["aube"]);
        Assert.Equal(new SettlementStatement("saint-fut", 20, 17_000, 2_550, 14_450, 0, 14_450), byParty["saint-fut"]);
        Assert.Equal(new SettlementStatement(KioskSettlement.Table, 0, 0, 0, 4_350, 29_000, -24_650), byParty[KioskSettlement.Table]);
        Assert.Equal([new Transfer("table", "aube", 10_200), new Transfer("table", "saint-fut", 14_450)],
            settlement.Transfers.OrderBy(t => t.To, StringComparer.Ordinal));
    }

    [Fact]
    public void On_a_tour_each_host_holds_its_stop_and_the_transfers_net_across_hosts()
    {
        // Aube hosted a stop where Saint-Fût sold 60 $; Saint-Fût hosted one where Aube sold 60 $: no fee, nothing moves.
        var even = KioskSettlement.Compute("tour", 0, [new("s1", "aube", "saint-fut", 6, 6_000), new("s2", "saint-fut", "aube", 6, 6_000)]);
        Assert.Empty(even.Transfers);
        Assert.All(even.Statements, s => Assert.Equal(0, s.BalanceCents));

        var uneven = KioskSettlement.Compute("tour", 1000, [new("s1", "aube", "saint-fut", 6, 6_000), new("s2", "saint-fut", "aube", 2, 2_000)]);
        Assert.Equal([new Transfer("aube", "saint-fut", 3_400), new Transfer("aube", "table", 800)],
            uneven.Transfers.OrderBy(t => t.To, StringComparer.Ordinal));
    }

    private static readonly Gen<(int Fee, KioskTakings[] Takings)> Festivals =
        Gen.Select(Gen.Int[0, 10_000],
            Gen.Select(Gen.Int[1, 6], Gen.Int[0, 5], Gen.Int[0, 5], Gen.Long[0, 500], Gen.Long[0, 100_000])
                .Select((kiosk, collector, brewery, units, cents) =>
                    new KioskTakings($"k{kiosk}", collector == 0 ? KioskSettlement.Table : $"b{collector}", $"b{brewery}", units, cents))
                .Array[0, 30]);

    [Fact]
    public void Balances_sum_to_zero_fees_go_to_the_table_and_the_transfers_settle_every_balance() =>
        Festivals.Sample(f =>
        {
            var settlement = KioskSettlement.Compute("fest", f.Fee, f.Takings);
            var balance = settlement.Statements.ToDictionary(s => s.Party, s => s.BalanceCents);
            foreach (var t in settlement.Transfers) { balance[t.From] += t.Cents; balance[t.To] -= t.Cents; }
            var owedToBreweries = settlement.Statements.Where(s => s.Party != KioskSettlement.Table).Sum(s => s.RevenueCents - s.FeeCents);
            return settlement.Statements.Sum(s => s.BalanceCents) == 0
                && balance.Values.All(b => b == 0)
                && settlement.Statements.Sum(s => s.OwedCents) == settlement.TakingsCents
                && owedToBreweries + settlement.Statements.Where(s => s.Party != KioskSettlement.Table).Sum(s => s.FeeCents) == settlement.Statements.Sum(s => s.RevenueCents)
                && settlement.Transfers.All(t => t.Cents > 0);
        });
}
