using Collab.Brew;
using Inventory.Api.Infrastructure;

namespace Inventory.Api.Collab;

/// <summary>The limits of a collab brew's input, written once.</summary>
public static class CollabLimits
{
    public const decimal MaxLitres = 100_000;
    public const int MaxPartners = 30;
    public const int MaxPackagingLines = 20;
    public const long MaxContributionCents = 100_000_000;
    public const long MaxUnitCostCents = 10_000_000;
    public const long MaxRateCents = 1_000_000;
}

public sealed record NewPartner(string? Key, string? Name, string? Role, string? Brewery, string? Takes, string? Location) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Key is not null && Patterns.Slug().IsMatch(Key), "key", Patterns.MustBeSlug)
        .Require(!string.IsNullOrWhiteSpace(Name) && Name.Length <= 200, "name", "is required (at most 200 characters)")
        .Require(Role is "co_brewer" or "ingredient_supplier" or "designer" or "other", "role", "must be co_brewer, ingredient_supplier, designer or other")
        .Require(Takes is "beer" or "cash", "takes", "must be beer or cash")
        .Require(Takes != "beer" || Location is not null, "location", "is required for a partner taking beer");
}

public sealed record NewCollabBrew(string? Code, string? Name, string? HostBrewery, string? HostLocation, DateOnly? BrewDate, decimal? PlannedVolumeLitres,
    List<RecipeItem>? Recipe, string? Agreement, Dictionary<string, int>? FixedSharesBasisPoints, List<NewPartner?>? Partners) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Require(Code is not null && Patterns.Slug().IsMatch(Code), "code", Patterns.MustBeSlug)
         .Require(!string.IsNullOrWhiteSpace(Name) && Name.Length <= 200, "name", "is required (at most 200 characters)")
         .Require(HostBrewery is not null, "hostBrewery", "is required (a brewery slug)")
         .Require(HostLocation is not null, "hostLocation", "is required (a location code)")
         .Require(BrewDate is not null, "brewDate", "is required")
         .Require(PlannedVolumeLitres is > 0 and <= CollabLimits.MaxLitres, "plannedVolumeLitres", $"must be within 0..{CollabLimits.MaxLitres} L")
         .Require(Agreement is "proportional" or "equal" or "fixed", "agreement", "must be proportional, equal or fixed")
         .Require(Partners is { Count: > 0 and <= CollabLimits.MaxPartners }, "partners", $"must list 1 to {CollabLimits.MaxPartners} partners")
         .EachOf(Partners, "partners");
        if (!v.IsValid) return;
        var partners = Partners!.Select(p => p!).ToList();
        v.Require(partners.Select(p => p.Key).Distinct().Count() == partners.Count, "partners", "keys must be distinct");
        if (SharingAgreement().Problem(partners.Select(p => new Partner(p.Key!, p.Name!, PartnerRole.Other, false, new ShareTaking.InCash())).ToList()) is { } problem)
            v.Require(false, "fixedSharesBasisPoints", problem);
    }

    public SharingAgreement SharingAgreement() => Agreement switch
    {
        "proportional" => new SharingAgreement.ProportionalToContribution(),
        "equal" => new SharingAgreement.EqualShares(),
        _ => new SharingAgreement.FixedPercentages(FixedSharesBasisPoints ?? []),
    };
}

public sealed record NewContribution(string? Partner, string? Kind, string? Description, long? Cents, decimal? Quantity, string? Unit, long? UnitCostCents, decimal? Hours, long? RateCents)
    : IValidatable
{
    /// <summary>The rules of the contribution itself; that <see cref="Partner"/> is a partner of the brew is checked against the brew.</summary>
    public void Validate(Validator v)
    {
        v.Require(Partner is not null, "partner", "must be a partner of the brew")
         .Require(!string.IsNullOrWhiteSpace(Description) && Description.Length <= 500, "description", "is required (at most 500 characters)")
         .Require(Kind is "cash" or "ingredient" or "labour" or "host_fee" or "design", "kind", "must be cash, ingredient, labour, host_fee or design");
        switch (Kind)
        {
            case "cash" or "host_fee" or "design":
                v.Require(Cents is >= 0 and <= CollabLimits.MaxContributionCents, "cents", $"is required, 0..{CollabLimits.MaxContributionCents}");
                break;
            case "ingredient":
                v.Require(Quantity is > 0 and <= 1_000_000, "quantity", "is required, more than 0")
                 .Require(!string.IsNullOrWhiteSpace(Unit) && Unit.Length <= 20, "unit", "is required (kg, L, units …; at most 20 characters)")
                 .Require(UnitCostCents is >= 0 and <= CollabLimits.MaxUnitCostCents, "unitCostCents", $"is required, 0..{CollabLimits.MaxUnitCostCents}");
                break;
            case "labour":
                v.Require(Hours is > 0 and <= 10_000, "hours", "is required, more than 0")
                 .Require(RateCents is >= 0 and <= CollabLimits.MaxRateCents, "rateCents", $"is required, 0..{CollabLimits.MaxRateCents}");
                break;
        }
    }
}

/// <summary>The status a collab brew moves to (packaged only by its packaging run).</summary>
public sealed record CollabStatusChange(string? Status) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Require(Lifecycle.TryParse(Status, out var to), "status", "must be planned, brewed, fermenting, packaged, released or closed");
        if (v.IsValid) v.Require(to != BrewStatus.Packaged, "status", "a brew becomes packaged by its packaging run (POST …/packaging)");
    }
}

public sealed record PackagingRequest(decimal? BrewedLitres, List<PackagingLine?>? Lines) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Require(BrewedLitres is > 0 and <= CollabLimits.MaxLitres, "brewedLitres", "is required, more than 0")
         .Require(Lines is { Count: > 0 and <= CollabLimits.MaxPackagingLines }, "lines", $"must list 1 to {CollabLimits.MaxPackagingLines} SKUs");
        for (var i = 0; Lines is not null && i < Lines.Count; i++)
        {
            var line = Lines[i];
            v.Require(line?.Sku is not null && Patterns.Sku().IsMatch(line.Sku), $"lines[{i}].sku", Patterns.MustBeSku)
             .Require(line?.Format is not null && PackageFormats.All.Contains(line.Format), $"lines[{i}].format", $"must be one of {string.Join(", ", PackageFormats.All)}")
             .Require(line?.Litres is >= 0, $"lines[{i}].litres", "is required, 0 or more");
        }
    }
}

public sealed record CollabPartnerView(string Key, string Name, string Role, string? Brewery, string Takes, string? Location, long ContributedCents);
public sealed record CollabBrewView(string Code, string Name, string HostBrewery, string HostLocation, DateOnly BrewDate, decimal PlannedVolumeLitres,
    string Status, string Agreement, IReadOnlyDictionary<string, int>? FixedSharesBasisPoints, string LotCode, IReadOnlyList<RecipeItem> Recipe,
    IReadOnlyList<CollabPartnerView> Partners, IReadOnlyList<ContributionView> Contributions, PackagingResult? Packaging);
public sealed record ContributionView(long Id, string Partner, string Kind, string Description, long ValueCents);
public sealed record PackagingPosted(string Code, PackagingResult Packaging, IReadOnlyList<Allotment> Split, IReadOnlyList<PlannedMovement> Movements);
public sealed record SettlementView(string Code, PackagingResult Packaging, IReadOnlyList<Allotment> Split, SettlementResult Settlement);
