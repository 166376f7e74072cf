using Collab.Brew;
using CsCheck;
using Inventory.Api.Festivals;
using Inventory.Api.Money;

namespace Inventory.Api.FunctionalTests;

/// <summary>Who owes whom after a festival: the arithmetic alone, over any takings.</summary>
public sealed class KioskSettlementTests
{
    /// <summary>Québec's terms at a kiosk: prices taxes included (GST 5 %, QST 9.975 %), a 10 ¢ deposit on top.</summary>
    private static readonly TaxRates Quebec = new(5_000, 9_975);

    private static KioskTakings Line(string kiosk, string collector, string brewery, long units, long unitPriceCents) =>
        new(kiosk, collector, brewery, units, units * unitPriceCents, LineMoney.Of(units, unitPriceCents, priceIncludesTaxes: true, Quebec, depositCentsPerUnit: 10));

    [Fact]
    public void At_festival_kiosks_the_table_collects_keeps_the_fee_on_sales_before_taxes_and_pays_each_brewery_the_rest()
    {
        var settlement = KioskSettlement.Compute("fest", 1500,
        [
            Line("k1", KioskSettlement.Table, "aube", 10, 800),     // 80.00 $: 69.58 + GST 3.48 + QST 6.94, deposit 1.00
            Line("k2", KioskSettlement.Table, "aube", 5, 800),      // 40.00 $: 34.79 + 1.74 + 3.47, deposit 0.50
            Line("k1", KioskSettlement.Table, "saint-fut", 20, 850), // 170.00 $: 147.86 + 7.39 + 14.75, deposit 2.00
        ]);

        var byParty = settlement.Statements.ToDictionary(s => s.Party);
        // Aube: the fee is 15 % of 104.37 $ before taxes (15.66 $), not of the 120 $ paid: it is owed 121.50 $ collected less 15.66 $.
        Assert.Equal(new SettlementStatement("aube", 15, 12_000, 10_437, 522, 1_041, 150, 1_566, 10_584, 0, 10_584), byParty["aube"]);
        Assert.Equal(new SettlementStatement("saint-fut", 20, 17_000, 14_786, 739, 1_475, 200, 2_218, 14_982, 0, 14_982), byParty["saint-fut"]);
        Assert.Equal(new SettlementStatement(KioskSettlement.Table, 0, 0, 0, 0, 0, 0, 0, 3_784, 29_350, -25_566), byParty[KioskSettlement.Table]);
        Assert.Equal(29_350, settlement.TakingsCents);
        Assert.Equal([new Transfer("table", "aube", 10_584), new Transfer("table", "saint-fut", 14_982)],
            settlement.Transfers.OrderBy(t => t.To, StringComparer.Ordinal));
    }

    [Fact]
    public void On_a_tour_each_host_holds_its_stop_and_the_transfers_net_across_hosts()
    {
        // Aube hosted a stop where Saint-Fût sold 60 $; Saint-Fût hosted one where Aube sold 60 $: no fee, nothing moves.
        var even = KioskSettlement.Compute("tour", 0, [Line("s1", "aube", "saint-fut", 6, 1_000), Line("s2", "saint-fut", "aube", 6, 1_000)]);
        Assert.Empty(even.Transfers);
        Assert.All(even.Statements, s => Assert.Equal(0, s.BalanceCents));

        // Saint-Fût is owed 60.60 $ less 10 % of 52.18 $ and holds 20.20 $; Aube holds 60.60 $ and is owed 20.20 $ less 1.74 $.
        var uneven = KioskSettlement.Compute("tour", 1000, [Line("s1", "aube", "saint-fut", 6, 1_000), Line("s2", "saint-fut", "aube", 2, 1_000)]);
        Assert.Equal([new Transfer("aube", "saint-fut", 3_518), new Transfer("aube", "table", 696)],
            uneven.Transfers.OrderBy(t => t.To, StringComparer.Ordinal));
    }

    [Fact]
    public void A_correction_names_every_figure_that_changed_and_leaves_out_parties_whose_figures_did_not()
    {
        var issued = KioskSettlement.Compute("fest", 1500, [Line("k1", KioskSettlement.Table, "aube", 10, 800), Line("k1", KioskSettlement.Table, "saint-fut", 20, 850)]);
        var now = KioskSettlement.Compute("fest", 1500, [Line("k1", KioskSettlement.Table, "aube", 12, 800), Line("k1", KioskSettlement.Table, "saint-fut", 20, 850)]);

        var correction = KioskSettlement.Correct(issued, now);

        var aube = Assert.Single(correction.Changes, c => c.Party == "aube");
        var money = LineMoney.Of(12, 800, true, Quebec, 10);
        var before = LineMoney.Of(10, 800, true, Quebec, 10);
        Assert.Equal((2L, 1_600L, money.NetCents - before.NetCents, money.GstCents - before.GstCents, money.QstCents - before.QstCents, 20L),
            (aube.Units, aube.RevenueCents, aube.NetCents, aube.GstCents, aube.QstCents, aube.DepositCents));
        Assert.DoesNotContain(correction.Changes, c => c.Party == "saint-fut");
        Assert.Equal(0, correction.Changes.Sum(c => c.BalanceCents));
    }

    private static readonly Gen<(int Fee, KioskTakings[] Takings)> Festivals =
        Gen.Select(Gen.Int[0, 10_000],
            Gen.Select(Gen.Int[1, 6], Gen.Int[0, 5], Gen.Int[0, 5], Gen.Long[0, 500], Gen.Long[0, 2_000], Gen.Bool, Gen.Long[0, 25])
                .Select((kiosk, collector, brewery, units, price, included, deposit) =>
                    new KioskTakings($"k{kiosk}", collector == 0 ? KioskSettlement.Table : $"b{collector}", $"b{brewery}", units, units * price,
                        LineMoney.Of(units, price, included, Quebec, deposit)))
                .Array[0, 30]);

    [Fact]
    public void Balances_sum_to_zero_fees_go_to_the_table_and_the_transfers_settle_every_balance() =>
        Festivals.Sample(f =>
        {
            var settlement = KioskSettlement.Compute("fest", f.Fee, f.Takings);
            var balance = settlement.Statements.ToDictionary(s => s.Party, s => s.BalanceCents);
            foreach (var t in settlement.Transfers) { balance[t.From] += t.Cents; balance[t.To] -= t.Cents; }
            var breweries = settlement.Statements.Where(s => s.Party != KioskSettlement.Table).ToList();
            return settlement.Statements.Sum(s => s.BalanceCents) == 0
                && balance.Values.All(b => b == 0)
                && settlement.Statements.Sum(s => s.OwedCents) == settlement.TakingsCents
                && settlement.TakingsCents == f.Takings.Sum(t => t.Money.TotalCents)
                && breweries.Sum(s => s.OwedCents + s.FeeCents) == breweries.Sum(s => s.NetCents + s.GstCents + s.QstCents + s.DepositCents)
                && breweries.All(s => s.FeeCents <= s.NetCents)
                && settlement.Transfers.All(t => t.Cents > 0);
        });
}
