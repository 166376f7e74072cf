namespace Collab.Brew;

/// <summary>What a partner brings to a collab brew.</summary>
public enum PartnerRole { CoBrewer, IngredientSupplier, Designer, Other }

/// <summary>How a partner takes its share of the output.</summary>
public abstract record ShareTaking
{
    private ShareTaking() { }

    /// <summary>In beer, delivered to a location (its code in the inventory).</summary>
    public sealed record InBeer(string LocationCode) : ShareTaking;

    /// <summary>In cash: reimbursed for what it contributed, its share of beer going to the beer takers.</summary>
    public sealed record InCash : ShareTaking;
}

/// <summary>A partner of a collab brew: a member brewery or not (a supply coop, a design coop …).</summary>
/// <param name="Key">A stable key (the brewery's slug, or a partner's own slug).</param>
public sealed record Partner(string Key, string Name, PartnerRole Role, bool IsMemberBrewery, ShareTaking Takes);

/// <summary>A contribution to the brew, valued in integer cents.</summary>
public abstract record Contribution(string PartnerKey, string Description)
{
    /// <summary>The value in cents this contribution puts into the brew.</summary>
    public abstract long ValueCents { get; }

    public sealed record Cash(string PartnerKey, string Description, long Cents) : Contribution(PartnerKey, Description)
    {
        public override long ValueCents => Cents;
    }

    /// <summary>Ingredients: a quantity (kg, L, units) at a unit cost; the value is rounded half away from zero to the cent.</summary>
    public sealed record Ingredient(string PartnerKey, string Description, decimal Quantity, string Unit, long UnitCostCents) : Contribution(PartnerKey, Description)
    {
        public override long ValueCents => (long)Math.Round(Quantity * UnitCostCents, MidpointRounding.AwayFromZero);
    }

    public sealed record Labour(string PartnerKey, string Description, decimal Hours, long HourlyRateCents) : Contribution(PartnerKey, Description)
    {
        public override long ValueCents => (long)Math.Round(Hours * HourlyRateCents, MidpointRounding.AwayFromZero);
    }

    /// <summary>What the host brewery charges for its brewhouse, tanks and time.</summary>
    public sealed record HostFee(string PartnerKey, string Description, long Cents) : Contribution(PartnerKey, Description)
    {
        public override long ValueCents => Cents;
    }

    public sealed record Design(string PartnerKey, string Description, long Cents) : Contribution(PartnerKey, Description)
    {
        public override long ValueCents => Cents;
    }
}

/// <summary>A line of the recipe summary, and who supplies it.</summary>
public sealed record RecipeItem(string Kind, string Name, decimal Quantity, string Unit, string? SuppliedBy);
