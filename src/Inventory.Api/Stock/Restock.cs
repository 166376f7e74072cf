using Inventory.Api.Infrastructure;

namespace Inventory.Api.Stock;

/// <summary>A restocking round to make: whose beers (the lead names the brewery; a brewer's is its own), from which of its places, to which fridges (all under par when absent).</summary>
public sealed record NewRound(string? Brewery, string? From, List<string>? Fridges) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(From is not null, "from", "is required (the brewery's place the beer leaves from)")
        .Require(Fridges is null || Fridges.Count is > 0 and <= 50, "fridges", "must list 1 to 50 fridges when given");
}

/// <summary>What was put in the fridge for one line of a round (0 when nothing could be).</summary>
public sealed record LineDelivery(int? Units) : IValidatable
{
    public void Validate(Validator v) => v.Require(Units is >= 0 and <= StockLimits.MaxUnits, "units", $"must be within 0..{StockLimits.MaxUnits}");
}

public sealed record RoundLine(long Id, string Fridge, string FridgeName, string Sku, int PlannedUnits, int? DeliveredUnits, DateTimeOffset? DeliveredAt, string? DeliveredBy);
public sealed record RoundView(long Id, string Brewery, string From, string CreatedBy, DateTimeOffset CreatedAt, IReadOnlyList<RoundLine> Lines);
