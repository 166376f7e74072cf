using Inventory.Api.Infrastructure;

namespace Inventory.Api.Grocery;

/// <summary>The limits of the grocery pilot's input, written once.</summary>
public static class GroceryLimits
{
    public const int MaxFacings = 50;
    public const long MaxShelfPriceCents = 100_000;
    public const int MaxReportLines = 500;
    public const int MaxUnitsSold = 100_000;
    public const int MaxWeeks = 52;
}

public sealed record NewPlacement(string? Sku, string? Store, DateOnly? StartsOn, DateOnly? EndsOn, int? Facings, long? ShelfPriceCents) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Sku is not null, "sku", "is required")
        .Require(Store is not null, "store", "is required (a grocery_store location code)")
        .Require(StartsOn is not null, "startsOn", "is required")
        .Require(EndsOn is null || EndsOn >= StartsOn, "endsOn", "must be on or after startsOn")
        .Require(Facings is >= 1 and <= GroceryLimits.MaxFacings, "facings", $"must be within 1..{GroceryLimits.MaxFacings}")
        .Require(ShelfPriceCents is >= 0 and <= GroceryLimits.MaxShelfPriceCents, "shelfPriceCents", $"must be within 0..{GroceryLimits.MaxShelfPriceCents}");
}

public sealed record Placement(long Id, string Sku, string Store, DateOnly StartsOn, DateOnly? EndsOn, int Facings, long ShelfPriceCents);

public sealed record SellThroughLine(string? Sku, int? UnitsSold) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Sku is not null, "sku", "is required")
        .Require(UnitsSold is >= 0 and <= GroceryLimits.MaxUnitsSold, "unitsSold", $"must be within 0..{GroceryLimits.MaxUnitsSold}");
}

public sealed record SellThroughReport(string? Store, DateOnly? WeekEnding, List<SellThroughLine?>? Lines) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Store is not null, "store", "is required")
        .Require(WeekEnding is not null && WeekEnding <= v.Today.AddDays(1), "weekEnding", "is required, not in the future")
        .Require(Lines is { Count: > 0 and <= GroceryLimits.MaxReportLines }, "lines", $"must have 1 to {GroceryLimits.MaxReportLines} lines")
        .EachOf(Lines, "lines");
}

/// <summary>Which placements' figures: as of the end of <c>asOf</c> (today when absent), the weekly rate over the <c>weeks</c> (4) Québec weeks ended by then.</summary>
public sealed record PerformanceQuery(int? Weeks, DateOnly? AsOf) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Weeks is null or (>= 1 and <= GroceryLimits.MaxWeeks), "weeks", $"must be within 1..{GroceryLimits.MaxWeeks}")
        .Require(AsOf is null || AsOf <= v.Today, "asOf", "must not be in the future");
}

/// <summary>
/// A placement's figures as of the end of a day: delivered, taken back (a pick-up, when it ends) and sold since it began,
/// what the ledger holds there, and its weekly rate over the days it stood on the shelf in the weeks asked.
/// </summary>
/// <param name="WeeksOfStockLeft">On hand at the weekly rate; none for a placement that ended or sells nothing.</param>
/// <param name="OutOfStock">A placement still on the shelf with nothing left (an ended one is not out of stock: it is gone).</param>
public sealed record PlacementPerformance(string Sku, string Store, int Delivered, int Sold, int OnHand, decimal SellThroughPercent,
    decimal AverageWeeklySales, decimal? WeeksOfStockLeft, bool OutOfStock)
{
    public DateOnly StartsOn { get; init; }
    public DateOnly? EndsOn { get; init; }
    public int TakenBack { get; init; }
    public bool Ended { get; init; }
    public int DaysOnShelf { get; init; }
}

/// <summary>A store's sales of a beer in one Québec week (its Monday): units and revenue at the wholesale price, and the units sold without one.</summary>
public sealed record GroceryWeek(string Store, string Sku, DateOnly WeekOf, long Units, long RevenueCents, long UnpricedUnits);
