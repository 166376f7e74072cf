using System.Globalization;
using System.Text;
using Inventory.Api.Infrastructure;

namespace Inventory.Api.Stock;

/// <summary>The limits of a stock movement's input, written once.</summary>
public static class StockLimits
{
    public const int MaxUnits = 1_000_000;
    public const int MaxCases = 100_000;
    public const int MaxParUnits = 1_000_000;
    public const int MaxPageSize = 500;
    public const int DefaultPageSize = 50;
}

public sealed record NewMovement(string? Kind, string? Sku, int? Units, int? Cases, string? Lot, string? From, string? To, DateTimeOffset? OccurredAt, string? Reason) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Require(Kind is not null && MovementKinds.All.Contains(Kind), "kind", $"must be one of {string.Join(", ", MovementKinds.All)}")
         .Require(Sku is not null && Patterns.Sku().IsMatch(Sku), "sku", Patterns.MustBeSku)
         .Require(Units is null or >= 0 and <= StockLimits.MaxUnits, "units", $"must be within 0..{StockLimits.MaxUnits}")
         .Require(Cases is null or >= 0 and <= StockLimits.MaxCases, "cases", $"must be within 0..{StockLimits.MaxCases}")
         .Require((Units ?? 0) + (Cases ?? 0) > 0, "units", "give units and/or cases, more than zero in all")
         .Require(Lot is null || Lot.Length is >= 1 and <= 40, "lot", "must be 1 to 40 characters")
         .Require(Reason is null || Reason.Length <= 500, "reason", "must be at most 500 characters")
         .Require(OccurredAt is null || OccurredAt <= v.Now.AddMinutes(5), "occurredAt", "must not be in the future");
        if (!v.IsValid) return;
        if (MovementKinds.CheckEnds(Kind!, From is not null, To is not null) is { } ends) v.Require(false, ends.Field, ends.Message);
        else v.Require(From is null || From != To, "to", "must be another place than 'from'");
    }
}

public sealed record MovementPosted(IReadOnlyList<MovementRow> Movements);
public sealed record MovementRow(long Id, string Kind, string Sku, string Lot, int Units, string? From, string? To, DateTimeOffset OccurredAt, string Actor, string? Reason, string? DeviceId, int Shortfall);
public sealed record MovementPage(IReadOnlyList<MovementRow> Items, string? NextCursor);

/// <summary>The filters of the movement history (query string), the page size and the cursor a previous page gave.</summary>
public sealed record MovementFilter(string? Sku = null, string? Location = null, string? Kind = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null,
    string? Cursor = null, int? Limit = null) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Cursor is null || DecodeCursor(Cursor) is not null, "cursor", "is not a cursor this API gave")
        .Require(Limit is null or (>= 1 and <= StockLimits.MaxPageSize), "limit", $"must be within 1..{StockLimits.MaxPageSize}")
        .Require(Kind is null || MovementKinds.Recorded.Contains(Kind), "kind", $"must be one of {string.Join(", ", MovementKinds.Recorded)}");

    /// <summary>The movement id a cursor stands for (the page goes on below it).</summary>
    public static long? DecodeCursor(string cursor)
    {
        try { return long.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(cursor)), CultureInfo.InvariantCulture); }
        catch (FormatException) { return null; }
    }

    public static string EncodeCursor(long id) => Convert.ToBase64String(Encoding.UTF8.GetBytes(id.ToString(CultureInfo.InvariantCulture)));
}

public sealed record StockRow(string Sku, string BeerName, string? Brewery, string Format, string Location, string LocationName, string LocationKind, string Region, string Lot, int Units, int Cases, int LooseUnits);
/// <summary>A fridge's beer under par: what to bring, and since when it has been under (<c>BelowParSince</c> null: never filled).</summary>
public sealed record RestockLine(string Brewery, string Fridge, string FridgeName, string Region, string Sku, string BeerName, int OnShelf, int ParUnits, int ToBring,
    int Cases, int LooseUnits, DateTimeOffset? BelowParSince)
{
    /// <summary>Under par for longer than <paramref name="limit"/> at <paramref name="now"/> (never filled counts as long).</summary>
    public bool UnderParLongerThan(TimeSpan limit, DateTimeOffset now) => BelowParSince is not { } since || now - since > limit;
}

public sealed record LowStockRow(string Sku, string Location, int Units, int ParUnits, int Missing);

/// <summary>A par level as set: the units a COOP fridge should hold of a beer after a restocking round.</summary>
public sealed record ParLevelRow(string Location, string LocationName, string Sku, string BeerName, int ParUnits);

public sealed record ParLevel(string? Sku, string? Location, int? ParUnits) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Sku is not null, "sku", "is required")
        .Require(Location is not null, "location", "is required")
        .Require(ParUnits is >= 0 and <= StockLimits.MaxParUnits, "parUnits", $"must be within 0..{StockLimits.MaxParUnits}");
}

/// <param name="ReviewedBy">Who reviewed it, or the fact that explained it ("explained by a later-known fact").</param>
public sealed record Discrepancy(long Id, string DeviceId, string Location, string Sku, int LedgerUnits, int CountedUnits, int Difference, DateTimeOffset OccurredAt, bool Reviewed,
    string Reason, string? ReviewedBy = null, DateTimeOffset? ReviewedAt = null, string? ReviewNote = null);

/// <summary>A person's review of a discrepancy: what they found.</summary>
public sealed record DiscrepancyReview(string? Note) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Note?.Trim() is { Length: >= 1 and <= 500 }, "note", "is required: what you found (at most 500 characters)");
}
