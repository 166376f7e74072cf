using System.Security.Claims;

namespace Inventory.Api.Auth;

/// <summary>
/// The roles of the platform: <c>lead</c> (everything), <c>brewer</c> (bound to one brewery: reads the
/// shared places, moves only its own beers), <c>gateway</c> (device reports only).
/// </summary>
public static class Roles
{
    public const string Lead = "lead";
    public const string Brewer = "brewer";
    public const string Gateway = "gateway";

    public static readonly string[] All = [Lead, Brewer, Gateway];
    public static readonly string[] People = [Lead, Brewer];

    public const string BreweryIdClaim = "frigo:brewery_id";
    public const string BrewerySlugClaim = "frigo:brewery_slug";
}

/// <summary>Policy names used by the endpoint groups.</summary>
public static class Policies
{
    public const string Lead = "lead";
    public const string People = "people";
    public const string Gateway = "gateway";
}

/// <summary>Who is calling, as the endpoints need it: a handler takes a <see cref="Caller"/> parameter.</summary>
public sealed record Caller(string Id, string Name, string Role, long? BreweryId, string? BrewerySlug = null) : IBindableFromHttpContext<Caller>
{
    public bool IsLead => Role == Roles.Lead;

    /// <summary>The signed-in person's user id; null for an API key (a script is nobody to notify).</summary>
    public long? UserId => Id.StartsWith("user:", StringComparison.Ordinal) && long.TryParse(Id.AsSpan(5), out var id) ? id : null;

    /// <summary>The brewery whose figures alone this caller sees (rule "Each brewery sees its own"), or null for the lead, who sees all; "" for a caller of no brewery.</summary>
    public string? OnlyBrewerySlug => IsLead ? null : BrewerySlug ?? "";

    /// <summary>The same by id, for SQL: null for the lead; −1 (nobody's) for a caller of no brewery.</summary>
    public long? OnlyBreweryId => IsLead ? null : BreweryId ?? -1;

    public static Caller From(ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous",
        user.Identity?.Name ?? "anonymous",
        user.FindFirstValue(ClaimTypes.Role) ?? "",
        long.TryParse(user.FindFirstValue(Roles.BreweryIdClaim), out var brewery) ? brewery : null,
        user.FindFirstValue(Roles.BrewerySlugClaim));

    public static ValueTask<Caller?> BindAsync(HttpContext context, System.Reflection.ParameterInfo parameter) => ValueTask.FromResult<Caller?>(From(context.User));

    /// <summary>
    /// A brewer may move only its own brewery's beers (its part of a collab brew is a beer of its own); the lead moves any.
    /// </summary>
    public bool MayMoveBeerOf(long? beerBreweryId) => IsLead || (Role == Roles.Brewer && BreweryId is not null && BreweryId == beerBreweryId);
}
