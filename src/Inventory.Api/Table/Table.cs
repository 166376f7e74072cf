using Inventory.Api.Infrastructure;

namespace Inventory.Api.Table;

/// <summary>The limits of the Table's input, written once.</summary>
public static class TableLimits
{
    public const int MaxNoteLength = 1000;
    public const int MaxRuleLength = 4000;
    public const long MaxAssetCostCents = 10_000_000;
    /// <summary>A period's figures are held as hourly buckets in memory: at most two years of them.</summary>
    public const int MaxFiguresDays = 2 * 366;
    /// <summary>The $100,000 pooling grant the Table reports on.</summary>
    public const long GrantCents = 100_000_00;
}

public sealed record StatusChange(string? Status, DateOnly? EffectiveOn, DateOnly? DecidedOn, string? Note) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Status is not null && Membership.Statuses.Contains(Status), "status", "must be candidate, member or former")
        .Require(EffectiveOn is not null, "effectiveOn", "is required")
        .Require(Note is null || Note.Length <= TableLimits.MaxNoteLength, "note", $"must be at most {TableLimits.MaxNoteLength} characters");
}

public sealed record MemberView(string Brewery, string Name, string Region, string? Status, IReadOnlyList<MembershipEvent> History);

public sealed record NewRule(string? Text, DateOnly? AdoptedOn) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(!string.IsNullOrWhiteSpace(Text) && Text.Length <= TableLimits.MaxRuleLength, "text", $"is required (at most {TableLimits.MaxRuleLength} characters)")
        .Require(AdoptedOn is not null, "adoptedOn", "is required");
}

public sealed record Rule(long Id, string Text, DateOnly AdoptedOn);

public sealed record NewAsset(string? Serial, string? Model, DateOnly? PurchasedOn, long? CostCents, string? Funding, string? DeviceId) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(!string.IsNullOrWhiteSpace(Serial) && Serial.Length <= 60, "serial", "is required (at most 60 characters)")
        .Require(!string.IsNullOrWhiteSpace(Model) && Model.Length <= 100, "model", "is required (at most 100 characters)")
        .Require(PurchasedOn is not null, "purchasedOn", "is required")
        .Require(CostCents is >= 0 and <= TableLimits.MaxAssetCostCents, "costCents", $"must be within 0..{TableLimits.MaxAssetCostCents}")
        .Require(Funding is "grant" or "other", "funding", "must be grant or other");
}

/// <summary>A bought fridge and where it stands today (<c>Location</c> null: in storage).</summary>
public sealed record AssetView(string Serial, string Model, DateOnly PurchasedOn, long CostCents, string Funding, string? DeviceId,
    string? Location, string? LocationName, DateOnly? PlacedSince);

/// <summary>Where a bought fridge stands, from a day (to a day, or until further notice).</summary>
public sealed record NewAssetPlacement(string? Location, DateOnly? From, DateOnly? To) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Location is not null, "location", "is required")
        .Require(From is not null, "from", "is required")
        .Require(To is null || To >= From, "to", "must be on or after from");
}

/// <summary>A period of whole days for a fridge's figures (a year to today when absent).</summary>
public sealed record FiguresPeriod(DateOnly? From, DateOnly? To) : IValidatable
{
    public void Validate(Validator v)
    {
        var (start, end) = Resolve(v.Today);
        v.Require(start <= end, "from", "must be on or before 'to'");
        if (v.IsValid) v.Require(end.DayNumber - start.DayNumber <= TableLimits.MaxFiguresDays, "from", "the period may be at most two years");
    }

    public (DateOnly Start, DateOnly End) Resolve(DateOnly today)
    {
        var end = To ?? today;
        return (From ?? end.AddDays(-365), end);
    }
}

/// <summary>The funder report's period, both days included, and its format (json, or csv for a spreadsheet).</summary>
public sealed record ReportPeriod(DateOnly? From, DateOnly? To, string? Format) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(From is not null, "from", "is required")
        .Require(To is not null && To >= From, "to", "is required, on or after from")
        .Require(Format is null or "json" or "csv", "format", "must be json or csv");
}

public sealed record AssetFigures(string Serial, string? DeviceId, DateOnly From, DateOnly To, int DaysOwned, int DaysPlaced, decimal ReportingPercent,
    decimal InBandPercent, decimal HoursAbove8C, long UnitsSold);
public sealed record AssetPlacement(string Serial, string Location, DateOnly From, DateOnly? To);
/// <param name="UnpricedUnits">Units among <c>Units</c> sold without a price: not in <c>RevenueCents</c>, never counted as $0.</param>
public sealed record ChannelSales(string Channel, string Brewery, string Region, long Units, long RevenueCents, long UnpricedUnits);
/// <summary>
/// The funder report: <c>FridgesBought</c> in the period, <c>FridgesOwned</c> at its end and <c>FridgesPlaced</c>
/// (those that stood somewhere during it); <c>FridgeSales</c> per fridge, brewery and week, whose units are the
/// report's <c>frigos</c> channel.
/// </summary>
public sealed record FunderReport(DateOnly From, DateOnly To, long GrantCents, int FridgesBought, long FridgesCostCents, long FridgesOnGrantCents,
    int FridgesOwned, int FridgesPlaced, IReadOnlyList<AssetPlacement> Placements, IReadOnlyList<ChannelSales> Sales,
    long UnitsSold, long RevenueCents, long UnpricedUnits, IReadOnlyList<Sales.FridgeWeek> FridgeSales, IReadOnlyList<string> FestivalsServed, IReadOnlyList<string> TourStopsServed, IReadOnlyList<string> MembersTakingPart, decimal FleetInBandPercent);
