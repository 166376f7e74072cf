using Collab.Brew;
using Inventory.Api.Infrastructure;

namespace Inventory.Api.Catalogue;

public sealed record Brewery(long Id, string Slug, string Name, string Region);

/// <param name="Status">Its status with the Table (candidate or member, member when absent), from <paramref name="Since"/> (today when absent).</param>
public sealed record NewBrewery(string? Slug, string? Name, string? Region, string? Status = null, DateOnly? Since = null) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Slug is not null && Patterns.Slug().IsMatch(Slug), "slug", Patterns.MustBeSlug)
        .Require(!string.IsNullOrWhiteSpace(Name) && Name.Length <= 200, "name", "is required (at most 200 characters)")
        .Require(!string.IsNullOrWhiteSpace(Region) && Region.Length <= 100, "region", "is required (at most 100 characters)")
        .Require(Status is null or "candidate" or "member", "status", "must be candidate or member");
}

/// <param name="RetiredOn">The day its brewery stopped making it (null: it is made).</param>
public sealed record Beer(string Sku, string? Brewery, long? CollabBrewId, string Name, string? Style, decimal? Abv, string Format, int UnitsPerCase, DateOnly? RetiredOn = null);

/// <summary>
/// A beer retired from a day (today when absent): not brewed any more, no fridge to be stocked with it. Not a day to come:
/// its par levels end when it is retired, and a fridge would stop being filled while the beer is still made.
/// </summary>
public sealed record BeerRetirement(DateOnly? From) : IValidatable
{
    public void Validate(Validator v) => v.Require(From is null || From <= v.Today, "from", "must not be in the future: a beer is retired once its brewery stops making it");
}

/// <param name="Format">A package format of Québec craft beer (Collab.Brew's <see cref="PackageFormats"/>).</param>
public sealed record NewBeer(string? Sku, string? Brewery, string? Name, string? Style, decimal? Abv, string? Format, int? UnitsPerCase) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Sku is not null && Patterns.Sku().IsMatch(Sku), "sku", Patterns.MustBeSku)
        .Require(!string.IsNullOrWhiteSpace(Brewery), "brewery", "is required (a brewery slug)")
        .Require(!string.IsNullOrWhiteSpace(Name) && Name.Length <= 200, "name", "is required (at most 200 characters)")
        .Require(Style is null || Style.Length <= 100, "style", "must be at most 100 characters")
        .Require(Abv is null or (>= 0 and <= 20), "abv", "must be within 0..20")
        .Require(Format is not null && PackageFormats.All.Contains(Format), "format", $"must be one of {string.Join(", ", PackageFormats.All)}")
        .Require(UnitsPerCase is >= 1 and <= 48, "unitsPerCase", "must be within 1..48");
}

public sealed record Location(long Id, string Code, string Name, string Kind, string Region, string? Address, string? Brewery);

public sealed record NewLocation(string? Code, string? Name, string? Kind, string? Region, string? Address, string? Brewery) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Code is not null && Patterns.Slug().IsMatch(Code), "code", Patterns.MustBeSlug)
        .Require(!string.IsNullOrWhiteSpace(Name) && Name.Length <= 200, "name", "is required (at most 200 characters)")
        .Require(Kind is not null && LocationKinds.All.Contains(Kind), "kind", $"must be one of {string.Join(", ", LocationKinds.All)}")
        .Require(!string.IsNullOrWhiteSpace(Region) && Region.Length <= 100, "region", "is required (at most 100 characters)")
        .Require(Address is null || Address.Length <= 300, "address", "must be at most 300 characters")
        .Require(Brewery is null || Kind is LocationKinds.Brewery or LocationKinds.Warehouse, "brewery", "only a brewery or warehouse belongs to a brewery");
}

public sealed record Device(string DeviceId, string Kind, string? Location, int ReportingIntervalSeconds);

/// <summary>A device registered or placed: where it stands from <c>Since</c> on (now when absent).</summary>
/// <param name="Stock">
/// When a COOP fridge leaves a place that holds beer: <c>move</c> (the beer goes with it to the new place) or <c>close</c>
/// (the place's stock is closed there, counted out with its reason). Required then, so no stock is left behind
/// for the next device there to book as sales.
/// </param>
public sealed record DeviceAssignment(string? Kind, string? Location, int? ReportingIntervalSeconds, DateTimeOffset? Since = null, string? Stock = null) : IValidatable
{
    public const string MoveStock = "move";
    public const string CloseStock = "close";

    public void Validate(Validator v) => v
        .Require(Kind is "fridge" or "kiosk", "kind", "must be fridge or kiosk")
        .Require(ReportingIntervalSeconds is null or (>= 5 and <= 86400), "reportingIntervalSeconds", "must be within 5..86400")
        .Require(Since is null || Since <= v.Now.AddMinutes(5), "since", "must not be in the future")
        .Require(Stock is null or MoveStock or CloseStock, "stock", $"must be {MoveStock} or {CloseStock}");
}
