using FrigoCoop.Telemetry;
using Inventory.Api.Infrastructure;

namespace Inventory.Api.Prices;

/// <summary>The channels a beer is sold through, each with its own price.</summary>
public static class PriceChannels
{
    /// <summary>The shelf price in a COOP fridge.</summary>
    public const string Fridge = "fridge";
    /// <summary>The price at a festival kiosk or a tour stop.</summary>
    public const string Kiosk = "kiosk";
    /// <summary>The wholesale price to a grocery store of the pilot.</summary>
    public const string Grocery = "grocery";

    public static readonly string[] All = [Fridge, Kiosk, Grocery];
}

/// <summary>What a unit price may be, wherever one is given or recorded.</summary>
public static class PriceLimits
{
    /// <summary>A unit price above this ($10,000) is not a beer's: refused, so no revenue sum can overflow (the devices' contract says the same).</summary>
    public const long MaxUnitPriceCents = TelemetryLimits.MaxUnitPriceCents;
}

/// <summary>A beer's price in a channel from a day on (to a day, both included, or until further notice).</summary>
public sealed record NewPrice(string? Sku, string? Channel, long? UnitPriceCents, DateOnly? ValidFrom, DateOnly? ValidTo) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Sku is not null && Patterns.Sku().IsMatch(Sku), "sku", Patterns.MustBeSku)
        .Require(Channel is not null && PriceChannels.All.Contains(Channel), "channel", $"must be one of {string.Join(", ", PriceChannels.All)}")
        .Require(UnitPriceCents is >= 0 and <= PriceLimits.MaxUnitPriceCents, "unitPriceCents", $"must be within 0..{PriceLimits.MaxUnitPriceCents}")
        .Require(ValidFrom is not null, "validFrom", "is required")
        .Require(ValidTo is null || ValidTo >= ValidFrom, "validTo", "must be on or after validFrom");
}

/// <summary>A price's last day (included): the price ends then, and the days after have none until another is set.</summary>
public sealed record PriceEnd(DateOnly? ValidTo) : IValidatable
{
    public void Validate(Validator v) => v.Require(ValidTo is not null, "validTo", "is required");
}

/// <param name="SetBy">Who set it: shown to the lead and to the brewery of the beer only.</param>
public sealed record Price(long Id, string Sku, string Brewery, string Channel, long UnitPriceCents, DateOnly ValidFrom, DateOnly? ValidTo, string? SetBy);

/// <summary>The filters of the price list (query string): a beer, a channel, the prices in force on a day.</summary>
public sealed record PriceFilter(string? Sku = null, string? Channel = null, DateOnly? On = null) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Channel is null || PriceChannels.All.Contains(Channel), "channel", $"must be one of {string.Join(", ", PriceChannels.All)}");
}
