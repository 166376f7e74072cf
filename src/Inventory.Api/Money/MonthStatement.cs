using System.Globalization;
using System.Text.RegularExpressions;
using Inventory.Api.Infrastructure;

namespace Inventory.Api.Money;

/// <summary>Which statement: a month of the Table's (<c>2026-10</c>, the current one when absent), as JSON or <c>format=csv</c>.</summary>
public sealed partial record StatementQuery(string? Month, string? Format) : IValidatable
{
    public void Validate(Validator v) => v
        // The years are bounded: a month of year 9999 has no next month to end at (a 500, not a statement).
        .Require(Month is null || (MonthPattern().IsMatch(Month) && int.Parse(Month[..4], CultureInfo.InvariantCulture) is >= 2000 and <= 2999), "month",
            "must be a month like 2026-10 (yyyy-MM, from 2000 to 2999)")
        .Require(Format is null or "json" or "csv", "format", "must be json or csv");

    /// <summary>The month's first day.</summary>
    public DateOnly FirstDay(DateOnly today) => Month is null
        ? new DateOnly(today.Year, today.Month, 1)
        : DateOnly.ParseExact(Month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\d{4}-(0[1-9]|1[0-2])\z")]
    private static partial Regex MonthPattern();
}

/// <summary>Units of one beer sold at one place at one unit price on one Table day (net of reversals), as the ledger holds them.</summary>
/// <param name="Payee">Who is owed for the beer: its brewery, or <c>table</c> for a beer of no single brewery.</param>
/// <param name="UnitPriceCents">Null for units sold with no price in the list that day.</param>
public sealed record SoldOnDay(string Place, string PlaceName, string Channel, string Payee, string Sku, string Format, long? UnitPriceCents, DateOnly Day, long Units);

/// <summary>
/// One line of a statement: a beer sold at a place at one price under the same terms (tax rates, taxes included or not,
/// deposit) during the month, its money rounded once for the line. Unpriced units have a line with no money.
/// </summary>
public sealed record StatementLine(string Place, string Channel, string Payee, string Sku, long? UnitPriceCents, bool PriceIncludesTaxes,
    long GstMilliPercent, long QstMilliPercent, long DepositCentsPerUnit, long Units, long NetCents, long GstCents, long QstCents, long DepositCents,
    long TotalCents);

/// <summary>What one place owes one payee for the month (the sum of their lines): the venue's or store's statement, payee by payee.</summary>
/// <param name="UnpricedUnits">Units among <c>Units</c> sold without a price: in no amount, never counted as $0.</param>
public sealed record OwedByPlace(string Place, string PlaceName, string Channel, string Payee, long Units, long UnpricedUnits, long NetCents,
    long GstCents, long QstCents, long DepositCents, long TotalCents);

/// <summary>What one payee is owed for the month, every place together.</summary>
public sealed record OwedToPayee(string Payee, long Units, long UnpricedUnits, long NetCents, long GstCents, long QstCents, long DepositCents,
    long TotalCents);

/// <summary>
/// A month's statements of the COOP fridges' venues and the grocery stores: what each place owes each brewery for the
/// beer it sold (<see cref="Places"/>), what each brewery is owed (<see cref="Payees"/>), and the lines both are made
/// of. Kiosks and tour stops are settled per festival (their settlement statements), not here.
/// </summary>
public sealed record MonthStatement(string Month, DateOnly From, DateOnly To, List<OwedByPlace> Places, List<OwedToPayee> Payees, List<StatementLine> Lines)
{
    /// <summary>The statement of a month's sales, under the settings in force on each sale's day.</summary>
    public static MonthStatement Of(DateOnly firstDay, IEnumerable<SoldOnDay> sold, MoneyRules rules)
    {
        var lines = sold
            .GroupBy(s => (s.Place, s.Channel, s.Payee, s.Sku, s.UnitPriceCents, Terms: rules.TermsOn(s.Channel, s.Format, s.Day)))
            .Select(g =>
            {
                var (place, channel, payee, sku, price, terms) = g.Key;
                var units = g.Sum(s => s.Units);
                var money = price is { } cents ? terms.Money(units, cents) : default;
                return new StatementLine(place, channel, payee, sku, price, terms.PriceIncludesTaxes, terms.Rates.GstMilliPercent,
                    terms.Rates.QstMilliPercent, terms.DepositCentsPerUnit, units, money.NetCents, money.GstCents, money.QstCents,
                    money.DepositCents, money.TotalCents);
            })
            .Where(l => l.Units != 0);
        return OfLines(firstDay, lines, sold.GroupBy(s => s.Place).ToDictionary(g => g.Key, g => g.First().PlaceName));
    }

    /// <summary>
    /// What changed from an issued statement to what the facts say now: each line's differences (a line of the same
    /// place, payee, beer, price and terms; one only one side has counts whole), and the places' and payees' sums of
    /// them. No lines: nothing to correct.
    /// </summary>
    public static MonthStatement Difference(MonthStatement issued, MonthStatement now)
    {
        static StatementLine Key(StatementLine l) => l with { Units = 0, NetCents = 0, GstCents = 0, QstCents = 0, DepositCents = 0, TotalCents = 0 };
        var before = issued.Lines.ToDictionary(Key);
        var after = now.Lines.ToDictionary(Key);
        var lines = before.Keys.Union(after.Keys).Select(key =>
        {
            var (b, a) = (before.GetValueOrDefault(key) ?? key, after.GetValueOrDefault(key) ?? key);
            return key with
            {
                Units = a.Units - b.Units,
                NetCents = a.NetCents - b.NetCents,
                GstCents = a.GstCents - b.GstCents,
                QstCents = a.QstCents - b.QstCents,
                DepositCents = a.DepositCents - b.DepositCents,
                TotalCents = a.TotalCents - b.TotalCents,
            };
        }).Where(l => l != Key(l));
        var names = issued.Places.Concat(now.Places).GroupBy(p => p.Place).ToDictionary(g => g.Key, g => g.First().PlaceName);
        return OfLines(issued.From, lines, names);
    }

    /// <summary>What a brewer reads of a statement: only what is owed to its own brewery (rule "Each brewery sees its own").</summary>
    public MonthStatement SeenBy(string? onlyPayee) => onlyPayee is null ? this : this with
    {
        Places = Places.Where(p => p.Payee == onlyPayee).ToList(),
        Payees = Payees.Where(p => p.Payee == onlyPayee).ToList(),
        Lines = Lines.Where(l => l.Payee == onlyPayee).ToList(),
    };

    private static MonthStatement OfLines(DateOnly firstDay, IEnumerable<StatementLine> unordered, Dictionary<string, string> names)
    {
        var lines = unordered
            .OrderBy(l => l.Place, StringComparer.Ordinal).ThenBy(l => l.Payee, StringComparer.Ordinal).ThenBy(l => l.Sku, StringComparer.Ordinal)
            .ThenBy(l => l.UnitPriceCents).ThenBy(l => l.GstMilliPercent).ThenBy(l => l.QstMilliPercent).ThenBy(l => l.DepositCentsPerUnit)
            .ThenBy(l => l.PriceIncludesTaxes)
            .ToList();
        var places = lines.GroupBy(l => (l.Place, l.Channel, l.Payee))
            .Select(g => new OwedByPlace(g.Key.Place, names[g.Key.Place], g.Key.Channel, g.Key.Payee, g.Sum(l => l.Units), Unpriced(g),
                g.Sum(l => l.NetCents), g.Sum(l => l.GstCents), g.Sum(l => l.QstCents), g.Sum(l => l.DepositCents), g.Sum(l => l.TotalCents)))
            .ToList();
        var payees = lines.GroupBy(l => l.Payee)
            .Select(g => new OwedToPayee(g.Key, g.Sum(l => l.Units), Unpriced(g), g.Sum(l => l.NetCents), g.Sum(l => l.GstCents),
                g.Sum(l => l.QstCents), g.Sum(l => l.DepositCents), g.Sum(l => l.TotalCents)))
            .ToList();
        var lastDay = firstDay.AddMonths(1).AddDays(-1);
        return new MonthStatement(firstDay.ToString("yyyy-MM", CultureInfo.InvariantCulture), firstDay, lastDay, places, payees, lines);
    }

    private static long Unpriced(IEnumerable<StatementLine> lines) => lines.Where(l => l.UnitPriceCents is null).Sum(l => l.Units);

    /// <summary>
    /// The statement as an accounting import (docs/money.md, "Journal export"): one journal line per statement line,
    /// amounts in dollars with two decimals, dated the month's last day, the reference naming the place's statement.
    /// </summary>
    /// <param name="issue">The issued statement's number, for the reference of an issued one (<c>REL-2026-09-bar-2</c>).</param>
    public Csv Journal(int? issue = null)
    {
        var csv = new Csv("date", "piece", "tiers_debiteur", "tiers_crediteur", "canal", "sku", "unites", "prix_unitaire", "taxes_incluses",
            "montant_net", "tps", "tvq", "consigne", "total");
        foreach (var l in Lines)
            csv.Row(To, $"REL-{Month}-{l.Place}{(issue is { } n ? $"-{n}" : "")}", l.Place, l.Payee, l.Channel, l.Sku, l.Units,
                l.UnitPriceCents is { } price ? new Dollars(price) : null, l.PriceIncludesTaxes, new Dollars(l.NetCents), new Dollars(l.GstCents), new Dollars(l.QstCents), new Dollars(l.DepositCents), new Dollars(l.TotalCents));
        return csv;
    }
}

/// <summary>
/// Cents as the dollars an accounting program imports: <c>-12.05</c>, <c>3.00</c>, invariant, never a thousands
/// separator. A number to <see cref="Csv"/>, so a negative amount is not taken for a formula and guarded.
/// </summary>
public readonly record struct Dollars(long Cents) : IFormattable
{
    public string ToString(string? format, IFormatProvider? formatProvider) => (Cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    public override string ToString() => ToString(null, null);
}
