using System.Globalization;
using Inventory.Api.Money;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// The money of a statement line (docs/ledger.md, "Money"): worked examples to the cent, the rounding once per line,
/// prices stated taxes included or not, the deposit never taxed; and the month's statement made of such lines.
/// </summary>
public sealed class MoneyArithmeticTests
{
    private static readonly TaxRates Quebec = new(5000, 9975); // GST 5 %, QST 9.975 %

    [Fact]
    public void Three_cans_at_4_99_taxes_included_split_into_what_was_paid()
    {
        // 14.97 paid: GST is 14.97 × 5 / 114.975 = 0.651… → 0.65, QST 14.97 × 9.975 / 114.975 = 1.298… → 1.30,
        // the net what remains (13.02), plus three 10 ¢ deposits.
        var line = LineMoney.Of(3, 499, priceIncludesTaxes: true, Quebec, depositCentsPerUnit: 10);
        Assert.Equal(new LineMoney(1302, 65, 130, 30), line);
        Assert.Equal(1527, line.TotalCents);
    }

    [Fact]
    public void A_case_at_wholesale_before_taxes_adds_each_tax_to_the_amount()
    {
        // 24 × 2.75 = 66.00; GST 3.30; QST 66.00 × 9.975 % = 6.5835 → 6.58; deposit 24 × 0.10.
        var line = LineMoney.Of(24, 275, priceIncludesTaxes: false, Quebec, depositCentsPerUnit: 10);
        Assert.Equal(new LineMoney(6600, 330, 658, 240), line);
        Assert.Equal(7828, line.TotalCents);
    }

    [Fact]
    public void Taxes_are_rounded_once_per_line_not_per_unit()
    {
        // 7 × 3.33 = 23.31: QST 2.325… → 2.33 on the line; per unit it would be 7 × 0.33 = 2.31.
        var line = LineMoney.Of(7, 333, priceIncludesTaxes: false, Quebec, 0);
        Assert.Equal(233, line.QstCents);
        Assert.Equal(117, line.GstCents); // 1.1655 → 1.17 (per unit: 7 × 0.17 = 1.19)
    }

    [Fact]
    public void A_half_cent_rounds_away_from_zero_and_a_reversed_line_is_the_exact_opposite()
    {
        Assert.Equal(1, LineMoney.Of(1, 10, false, Quebec, 0).GstCents); // 0.5 ¢ → 1 ¢
        Assert.Equal(-1, LineMoney.Of(-1, 10, false, Quebec, 0).GstCents);
        for (var cents = 0; cents <= 5000; cents += 7)
            foreach (var included in new[] { true, false })
            {
                var sale = LineMoney.Of(3, cents, included, Quebec, 10);
                var reversal = LineMoney.Of(-3, cents, included, Quebec, 10);
                Assert.Equal(new LineMoney(-sale.NetCents, -sale.GstCents, -sale.QstCents, -sale.DepositCents), reversal);
            }
    }

    [Fact]
    public void Taxes_included_always_add_up_to_what_was_paid_and_the_net_taxed_again_gives_the_same_taxes_within_a_cent()
    {
        for (long amount = 0; amount <= 20_000; amount++)
        {
            var line = LineMoney.Of(1, amount, priceIncludesTaxes: true, Quebec, 0);
            Assert.Equal(amount, line.TotalCents);
            var again = LineMoney.Of(1, line.NetCents, priceIncludesTaxes: false, Quebec, 0);
            Assert.InRange(again.GstCents - line.GstCents, -1, 1);
            Assert.InRange(again.QstCents - line.QstCents, -1, 1);
        }
    }

    [Fact]
    public void The_deposit_is_never_taxed_and_no_rate_means_no_tax()
    {
        var without = LineMoney.Of(6, 450, true, Quebec, 0);
        var with = LineMoney.Of(6, 450, true, Quebec, 25);
        Assert.Equal((without.NetCents, without.GstCents, without.QstCents, 150L), (with.NetCents, with.GstCents, with.QstCents, with.DepositCents));
        Assert.Equal(new LineMoney(2700, 0, 0, 0), LineMoney.Of(6, 450, true, new TaxRates(0, 0), 0));
    }

    private static MoneySetting Setting(string name, long value, string from, string? to = null) =>
        new(0, name, value, DateOnly.Parse(from, CultureInfo.InvariantCulture), to is null ? null : DateOnly.Parse(to, CultureInfo.InvariantCulture), "test");

    private static readonly MoneyRules Rules = new([
        Setting("gst", 5000, "2008-01-01"),
        Setting("qst", 9975, "2013-01-01"),
        Setting("deposit:can_355", 10, "2023-11-01", "2026-09-15"),
        Setting("deposit:can_355", 25, "2026-09-16"),
        Setting("taxes-included:fridge", 1, "2008-01-01"),
        Setting("taxes-included:grocery", 0, "2008-01-01"),
    ]);

    [Fact]
    public void The_settings_in_force_are_those_of_the_sales_day()
    {
        Assert.Equal(new SaleTerms(Quebec, true, 10), Rules.TermsOn("fridge", "can_355", new DateOnly(2026, 9, 15)));
        Assert.Equal(new SaleTerms(Quebec, true, 25), Rules.TermsOn("fridge", "can_355", new DateOnly(2026, 9, 16)));
        Assert.Equal(new SaleTerms(Quebec, false, 0), Rules.TermsOn("grocery", "keg_20l", new DateOnly(2026, 9, 16))); // no deposit on a keg
        Assert.Equal(new SaleTerms(new TaxRates(5000, 0), true, 0), Rules.TermsOn("fridge", "can_355", new DateOnly(2012, 6, 1))); // before the QST row
    }

    private static SoldOnDay Sold(string place, string payee, string sku, long? price, int day, long units, string channel = "fridge", string format = "can_355") =>
        new(place, $"Chez {place}", channel, payee, sku, format, price, new DateOnly(2026, 9, day), units);

    [Fact]
    public void A_month_statement_has_a_line_per_beer_price_and_terms_and_sums_them_per_place_and_payee()
    {
        var statement = MonthStatement.Of(new DateOnly(2026, 9, 1), [
            Sold("bar", "saint-fut", "STFUT-BLONDE-355", 499, 10, 2),
            Sold("bar", "saint-fut", "STFUT-BLONDE-355", 499, 12, 1),  // same terms: the same line as the 10th's
            Sold("bar", "saint-fut", "STFUT-BLONDE-355", 499, 20, 7),  // the deposit went up on the 16th: a line of its own
            Sold("bar", "saint-fut", "STFUT-BLONDE-355", null, 21, 2), // no price that day: units, no money
            Sold("bar", "aube", "AUBE-IPA-355", 450, 3, 4),
            Sold("bar", "aube", "AUBE-IPA-355", 450, 4, -4),           // reversed the next day: nothing left to owe
            Sold("coop", "aube", "AUBE-IPA-355", 275, 27, 24, channel: "grocery"),
        ], Rules);

        Assert.Equal(("2026-09", new DateOnly(2026, 9, 30)), (statement.Month, statement.To));
        Assert.Equal(4, statement.Lines.Count);
        var (before, after) = (statement.Lines[1], statement.Lines[2]);
        Assert.Equal((3L, 10L, 1302L, 65L, 130L, 30L, 1527L), (before.Units, before.DepositCentsPerUnit, before.NetCents, before.GstCents, before.QstCents, before.DepositCents, before.TotalCents));
        // 34.93 paid: GST 1.519… → 1.52, QST 3.030… → 3.03, net 30.38, deposit 7 × 0.25.
        Assert.Equal((7L, 25L, 3038L, 152L, 303L, 175L, 3668L), (after.Units, after.DepositCentsPerUnit, after.NetCents, after.GstCents, after.QstCents, after.DepositCents, after.TotalCents));
        Assert.Equal((null, 2L, 0L), (statement.Lines[0].UnitPriceCents, statement.Lines[0].Units, statement.Lines[0].TotalCents)); // unpriced first

        var bar = Assert.Single(statement.Places, p => p.Place == "bar");
        Assert.Equal(("saint-fut", 12L, 2L, 1527L + 3668L, "Chez bar"), (bar.Payee, bar.Units, bar.UnpricedUnits, bar.TotalCents, bar.PlaceName));
        var aube = Assert.Single(statement.Payees, p => p.Payee == "aube");
        Assert.Equal((24L, 6600L + 330L + 658L + 600L), (aube.Units, aube.TotalCents)); // before taxes at the grocery, 25 ¢ deposits
    }

    [Fact]
    public void The_journal_has_one_line_per_statement_line_in_dollars_and_its_totals_are_the_statements()
    {
        var statement = MonthStatement.Of(new DateOnly(2026, 9, 1), [
            Sold("bar", "saint-fut", "STFUT-BLONDE-355", 499, 10, 3),
            Sold("bar", "saint-fut", "STFUT-BLONDE-355", 499, 11, -5), // more reversed than sold this month: a negative line
            Sold("bar", "saint-fut", "STFUT-BLONDE-355", 499, 20, 7),
        ], Rules);
        var rows = statement.Journal().ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("date,piece,tiers_debiteur,tiers_crediteur,canal,sku,unites,prix_unitaire,taxes_incluses,montant_net,tps,tvq,consigne,total", rows[0]);
        Assert.Equal(statement.Lines.Count + 1, rows.Length);
        Assert.Equal("2026-09-30,REL-2026-09-bar,bar,saint-fut,fridge,STFUT-BLONDE-355,-2,4.99,true,-8.68,-0.43,-0.87,-0.20,-10.18", rows[1]);
        var total = rows.Skip(1).Sum(r => decimal.Parse(r.Split(',')[^1], CultureInfo.InvariantCulture));
        Assert.Equal(statement.Payees.Sum(p => p.TotalCents) / 100m, total);
    }
}
