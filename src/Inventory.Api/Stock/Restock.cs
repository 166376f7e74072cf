using Inventory.Api.Infrastructure;

namespace Inventory.Api.Stock;

/// <summary>
/// A restocking round to make: whose beers (the lead names the brewery; a brewer's is its own), from which
/// of its places, to which fridges: those of a route, those listed, or all under par when neither is given.
/// </summary>
public sealed record NewRound(string? Brewery, string? From, List<string>? Fridges, long? Route = null) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(From is not null, "from", "is required (the brewery's place the beer leaves from)")
        .Require(Fridges is null || Fridges.Count is > 0 and <= RestockLimits.MaxFridgesPerRoute, "fridges", $"must list 1 to {RestockLimits.MaxFridgesPerRoute} fridges when given");
}

/// <summary>
/// A named route: the COOP fridges one person visits. A brewer's routes are its brewery's; the lead's are
/// the Table's (no brewery) unless it names one.
/// </summary>
public sealed record NewRoute(string? Name, string? Driver, List<string>? Fridges, string? Brewery = null) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(!string.IsNullOrWhiteSpace(Name) && Name.Length <= RestockLimits.MaxNameLength, "name", $"is required (at most {RestockLimits.MaxNameLength} characters)")
        .Require(Driver is null || Driver.Length <= RestockLimits.MaxNameLength, "driver", $"must be at most {RestockLimits.MaxNameLength} characters")
        .Require(Fridges is { Count: > 0 and <= RestockLimits.MaxFridgesPerRoute } && Fridges.Distinct().Count() == Fridges.Count, "fridges",
            $"must list 1 to {RestockLimits.MaxFridgesPerRoute} different COOP fridges");
}

public sealed record RouteFridge(string Code, string Name);
public sealed record RouteView(long Id, string Name, string? Brewery, string? Driver, IReadOnlyList<RouteFridge> Fridges);

/// <summary>The restock list's query: one brewery's (the lead), one route's fridges.</summary>
public sealed record RestockQuery(string? Brewery, long? Route);

public static class RestockLimits
{
    public const int MaxFridgesPerRoute = 50;
    public const int MaxNameLength = 80;
}

/// <summary>What was put in the fridge for one line of a round (0 when nothing could be).</summary>
public sealed record LineDelivery(int? Units) : IValidatable
{
    public void Validate(Validator v) => v.Require(Units is >= 0 and <= StockLimits.MaxUnits, "units", $"must be within 0..{StockLimits.MaxUnits}");
}

public sealed record RoundLine(long Id, string Fridge, string FridgeName, string Sku, int PlannedUnits, int? DeliveredUnits, DateTimeOffset? DeliveredAt, string? DeliveredBy);
public sealed record RoundView(long Id, string Brewery, string From, string CreatedBy, DateTimeOffset CreatedAt, IReadOnlyList<RoundLine> Lines, string? Route = null);

/// <summary>Settings of restocking (section <c>Restock</c>), validated at start.</summary>
public sealed class RestockOptions
{
    /// <summary>How long a COOP fridge's beer may stay under par before the fleet page (the lead's) shows it.</summary>
    public TimeSpan LongUnderPar { get; set; } = TimeSpan.FromHours(48);

    public bool IsValid => LongUnderPar >= TimeSpan.FromHours(1) && LongUnderPar <= TimeSpan.FromDays(30);
}
