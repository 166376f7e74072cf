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

public sealed record PlacementPerformance(string Sku, string Store, int Delivered, int Sold, int OnHand, decimal SellThroughPercent,
    decimal AverageWeeklySales, decimal? WeeksOfStockLeft, bool OutOfStock);

/// <summary>A SKU's grocery sales, week by week (week as MM-DD of its Monday).</summary>
public sealed record WeeklySales(string Sku, IReadOnlyList<(string Week, int Units)> Weeks);
