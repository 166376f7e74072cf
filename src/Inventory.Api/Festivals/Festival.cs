using Inventory.Api.Infrastructure;
using Inventory.Api.Prices;

namespace Inventory.Api.Festivals;

/// <summary>The limits of a festival's input, written once.</summary>
public static class FestivalLimits
{
    public const int MaxAttendance = 2_000_000;
    public const int MaxParUnits = 100_000;
    public const int MaxSaleLines = 200;
    public const int MaxUnitsPerLine = 100_000;
}

/// <param name="Kind">festival (kiosks under one roof) or tour (stops hosted by member breweries, each on its day).</param>
/// <param name="KioskFeeBasisPoints">The kiosk fee the breweries agreed to, in basis points of their takings (1500 = 15 %; none when absent).</param>
public sealed record NewFestival(string? Code, string? Name, string? Site, string? Region, DateOnly? StartsOn, DateOnly? EndsOn, int? ExpectedAttendance, List<string>? Breweries,
    string? Kind = null, int? KioskFeeBasisPoints = null) : IValidatable
{
    public void Validate(Validator v)
    {
        // What may change later follows the same rules as when it was first given.
        new FestivalChange(Name, Site, Region, StartsOn, EndsOn, ExpectedAttendance, KioskFeeBasisPoints).Validate(v);
        v.Require(Code is not null && Patterns.Slug().IsMatch(Code), "code", Patterns.MustBeSlug)
         .Require(Breweries is { Count: > 0 }, "breweries", "must list the participating breweries")
         .Require(Kind is null or "festival" or "tour", "kind", "must be festival or tour");
    }
}

/// <summary>What the lead may change of a festival once made: its name, place, dates, attendance and kiosk fee.</summary>
public sealed record FestivalChange(string? Name, string? Site, string? Region, DateOnly? StartsOn, DateOnly? EndsOn, int? ExpectedAttendance, int? KioskFeeBasisPoints = null) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(!string.IsNullOrWhiteSpace(Name) && Name.Length <= 200, "name", "is required (at most 200 characters)")
        .Require(!string.IsNullOrWhiteSpace(Site) && Site.Length <= 200, "site", "is required (at most 200 characters)")
        .Require(!string.IsNullOrWhiteSpace(Region) && Region.Length <= 100, "region", "is required (at most 100 characters)")
        .Require(StartsOn is not null, "startsOn", "is required")
        .Require(EndsOn is not null && EndsOn >= StartsOn, "endsOn", "is required, on or after startsOn")
        .Require(ExpectedAttendance is >= 0 and <= FestivalLimits.MaxAttendance, "expectedAttendance", $"must be within 0..{FestivalLimits.MaxAttendance}")
        .Require(KioskFeeBasisPoints is null or (>= 0 and <= 10_000), "kioskFeeBasisPoints", "must be within 0..10000 (basis points: 1500 = 15 %)");
}

/// <summary>Why a festival is cancelled (kept with it).</summary>
public sealed record FestivalCancel(string? Reason) : IValidatable
{
    public void Validate(Validator v) => v.Require(Reason is null || Reason.Length <= 500, "reason", "must be at most 500 characters");
}

/// <param name="HostBrewery">For a tour stop: the member brewery that hosts it, at its own place.</param>
/// <param name="On">For a tour stop: its day.</param>
public sealed record NewKiosk(string? Code, string? Name, string? HostBrewery = null, DateOnly? On = null) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Code is not null && Patterns.KioskCode().IsMatch(Code), "code", Patterns.MustBeKioskCode)
        .Require(!string.IsNullOrWhiteSpace(Name) && Name.Length <= 200, "name", "is required (at most 200 characters)");
}

public sealed record StopSale(string? Sku, int? Units, long? UnitPriceCents) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Sku is not null, "sku", "is required")
        .Require(Units is >= 1 and <= FestivalLimits.MaxUnitsPerLine, "units", $"must be within 1..{FestivalLimits.MaxUnitsPerLine}")
        .Require(UnitPriceCents is null or (>= 0 and <= PriceLimits.MaxUnitPriceCents), "unitPriceCents", $"must be within 0..{PriceLimits.MaxUnitPriceCents}");
}

/// <param name="Day">The day they were sold: a festival kiosk's typed by hand after its device failed (a day of the
/// festival; today when absent); a tour stop's are on its own day.</param>
public sealed record StopSales(List<StopSale?>? Lines, DateOnly? Day = null) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Lines is { Count: > 0 and <= FestivalLimits.MaxSaleLines }, "lines", $"must have 1 to {FestivalLimits.MaxSaleLines} lines")
        .EachOf(Lines, "lines");
}

public sealed record DeviceToKiosk(string? DeviceId) : IValidatable
{
    public void Validate(Validator v) => v.Require(DeviceId is not null && Patterns.DeviceId().IsMatch(DeviceId), "deviceId", Patterns.MustBeDeviceId);
}

public sealed record ParLine(string? Kiosk, string? Sku, int? ParUnits) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Kiosk is not null, "kiosk", "is required")
        .Require(Sku is not null, "sku", "is required")
        .Require(ParUnits is >= 0 and <= FestivalLimits.MaxParUnits, "parUnits", $"must be within 0..{FestivalLimits.MaxParUnits}");
}

public sealed record ReturnLine(string? Kiosk, string? Sku, int? Units, string? To) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Kiosk is not null, "kiosk", "is required")
        .Require(Sku is not null, "sku", "is required")
        .Require(Units is > 0, "units", "must be more than 0")
        .Require(To is not null, "to", "is required (the location the beer goes back to)");
}

public sealed record Reconciliation(List<ReturnLine?>? Returns) : IValidatable
{
    public void Validate(Validator v) => v.EachOf(Returns, "returns");
}

public sealed record KioskView(string Code, string Name, string Location, IReadOnlyList<string> Devices, string? HostBrewery = null, DateOnly? On = null);
public sealed record FestivalView(string Code, string Name, string Site, string Region, DateOnly StartsOn, DateOnly EndsOn, int ExpectedAttendance,
    IReadOnlyList<string> Breweries, IReadOnlyList<KioskView> Kiosks, IReadOnlyList<AllocationLine> Allocation, string Kind = "festival", int KioskFeeBasisPoints = 0,
    FestivalCancellation? Cancelled = null);
/// <summary>Who cancelled a festival, when and why.</summary>
public sealed record FestivalCancellation(DateTimeOffset At, string By, string? Reason);
public sealed record AllocationLine(string Kiosk, string Sku, string Brewery, int ParUnits, int Cases, int LooseUnits);
public sealed record PickLine(string Kiosk, string Location, string Sku, string BeerName, int Units, int Cases, int LooseUnits);
/// <param name="ShippedAt">When the brewery's pick list was shipped as one action (null: not yet).</param>
public sealed record PickList(string Brewery, string DeliverBy, IReadOnlyList<PickLine> Lines, DateTimeOffset? ShippedAt = null, string? ShippedBy = null);

/// <summary>A pick list to ship: from the brewery's own place unless another of its places is named.</summary>
public sealed record Shipment(string? From) : IValidatable
{
    public void Validate(Validator v) => v.Require(From is null || Patterns.Slug().IsMatch(From), "from", Patterns.MustBeSlug);
}
/// <param name="MissingAtCount">Units a kiosk's shelf counts found missing (fewer on the shelf than sent less sold): neither sold nor returned.</param>
public sealed record StopResult(string Stop, string? HostBrewery, DateOnly? On, string Brewery, int Sent, int Sold, int Returned, int Loss, long RevenueCents,
    int MissingAtCount);
/// <summary>A device on a festival's kiosk, first to last day.</summary>
public sealed record DevicePlacement(string Device, string Festival, string Kiosk, DateOnly From, DateOnly To);
public sealed record ReconciledLine(string Kiosk, string Sku, int Sent, int Sold, int Returned, int Loss);
