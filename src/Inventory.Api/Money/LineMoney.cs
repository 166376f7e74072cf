namespace Inventory.Api.Money;

/// <summary>
/// The rates of the two sales taxes on a day, in thousandths of a percent (GST 5 % is 5,000; QST 9.975 % is 9,975):
/// whole numbers, so a rate is stored and compared exactly.
/// </summary>
public readonly record struct TaxRates(long GstMilliPercent, long QstMilliPercent)
{
    public const long Scale = 100_000;
}

/// <summary>
/// The money of one statement line: what its units were sold for before taxes, each tax, the container deposit, and
/// what was collected. <c>Total</c> is always the sum of the four.
/// </summary>
public readonly record struct LineMoney(long NetCents, long GstCents, long QstCents, long DepositCents)
{
    public long TotalCents => NetCents + GstCents + QstCents + DepositCents;

    /// <summary>
    /// A line of <paramref name="units"/> sold at <paramref name="unitPriceCents"/>, rounded once per line to the cent
    /// (half away from zero, so a reversed line is the exact opposite of its sale):
    /// <list type="bullet">
    /// <item>a price stated before taxes: the taxes are each rate on the line's amount;</item>
    /// <item>a price stated taxes included (what the customer paid): each tax is its share of the amount
    /// (amount × rate / (1 + both rates)) and the net is what remains, so the line adds up to what was paid to the cent;</item>
    /// <item>the deposit (consigne) is per container, never in the price and never taxed: a refundable deposit is not
    /// the price of a supply (docs/ledger.md, "Money").</item>
    /// </list>
    /// </summary>
    public static LineMoney Of(long units, long unitPriceCents, bool priceIncludesTaxes, TaxRates rates, long depositCentsPerUnit)
    {
        var amount = checked(units * unitPriceCents);
        var deposit = checked(units * depositCentsPerUnit);
        if (!priceIncludesTaxes)
            return new LineMoney(amount, Share(amount, rates.GstMilliPercent, TaxRates.Scale), Share(amount, rates.QstMilliPercent, TaxRates.Scale), deposit);
        var whole = TaxRates.Scale + rates.GstMilliPercent + rates.QstMilliPercent;
        var gst = Share(amount, rates.GstMilliPercent, whole);
        var qst = Share(amount, rates.QstMilliPercent, whole);
        return new LineMoney(amount - gst - qst, gst, qst, deposit);
    }

    /// <summary>amount × part / whole to the cent, half away from zero, in exact decimal arithmetic.</summary>
    private static long Share(long amount, long part, long whole) =>
        (long)decimal.Round((decimal)amount * part / whole, 0, MidpointRounding.AwayFromZero);
}
