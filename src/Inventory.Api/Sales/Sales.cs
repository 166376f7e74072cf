using Inventory.Api.Infrastructure;

namespace Inventory.Api.Sales;

/// <summary>Units a COOP fridge sold of one brewery's beers in one week (Monday to Sunday, the Table's).</summary>
/// <param name="UnpricedUnits">Units among <c>Units</c> sold without a price (none in the list that day): not in <c>RevenueCents</c>, never counted as $0.</param>
public sealed record FridgeWeek(string Fridge, string FridgeName, string Brewery, DateOnly WeekOf, long Units, long RevenueCents, long UnpricedUnits);

/// <summary>
/// What one brewery sold through one channel over a period, from the ledger's sales: at the prices as stated
/// (<c>RevenueCents</c>: taxes included at fridges and kiosks, before taxes to grocery stores), and as it books them —
/// before taxes, each tax and the deposit, by the money settings of each sale's day (docs/ledger.md, "Money").
/// </summary>
/// <param name="UnpricedUnits">Units among <c>Units</c> sold without a price: not in <c>RevenueCents</c>, never counted as $0.</param>
/// <param name="NetCents">The brewery's revenue before taxes: what it books as sales.</param>
public sealed record ChannelRevenue(string Brewery, string Channel, long Units, long RevenueCents, long UnpricedUnits, long NetCents, long GstCents,
    long QstCents, long DepositCents);

/// <summary>
/// Which weeks of fridge sales to show: the last <c>weeks</c> (8 when nothing is given), or the days from <c>from</c> to
/// <c>to</c> (today when absent; a week the period cuts shows only the period's days).
/// </summary>
public sealed record FridgeWeeksQuery(int? Weeks, DateOnly? From, DateOnly? To) : IValidatable
{
    public const int MaxWeeks = 104;

    public void Validate(Validator v)
    {
        v.Require(Weeks is null or (>= 1 and <= MaxWeeks), "weeks", $"must be within 1..{MaxWeeks}")
         .Require(Weeks is null || From is null, "weeks", "give either weeks or from")
         .Require(To is null || From is not null, "from", "is required with 'to'");
        if (From is not null && v.IsValid) new SalesPeriod(From, To).Validate(v);
    }
}

/// <summary>A period of whole days of the Table's, both included (the last 30 days when absent).</summary>
public sealed record SalesPeriod(DateOnly? From, DateOnly? To) : IValidatable
{
    public const int MaxDays = 2 * 366;

    public void Validate(Validator v)
    {
        var (from, to) = Resolve(v.Today);
        v.Require(from <= to, "from", "must be on or before 'to'");
        if (v.IsValid) v.Require(to.DayNumber - from.DayNumber <= MaxDays, "from", "the period may be at most two years");
    }

    public (DateOnly From, DateOnly To) Resolve(DateOnly today)
    {
        var to = To ?? today;
        return (From ?? to.AddDays(-29), to);
    }
}
