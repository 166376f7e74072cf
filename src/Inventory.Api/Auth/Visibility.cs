
namespace Inventory.Api.Auth;

/// <summary>
/// rule "Each brewery sees its own", in one place: a brewer sees the figures of his own brewery's beers (and of the collab
/// beers it is a partner of), never another brewery's sales, revenue, discrepancies or movement details.
/// The lead sees everything. docs/security.md has the matrix, route by route.
/// </summary>
public static class Visibility
{
    /// <summary>The caller's <see cref="Caller.OnlyBreweryId"/> as a typed parameter (NULL for the lead: <c>$n::bigint IS NULL OR …</c>).</summary>
    public static Npgsql.NpgsqlParameter OnlyBrewery(Caller caller) => Infrastructure.Db.Typed(caller.OnlyBreweryId, NpgsqlTypes.NpgsqlDbType.Bigint);

    /// <summary>SQL condition on a <c>beers b</c> row: the beer is the brewery's own or one of its collab beers.</summary>
    public static string BeerOf(string breweryParameter) =>
        $"(b.brewery_id = {breweryParameter} OR b.collab_brew_id IN (SELECT brew_id FROM collab_partners WHERE brewery_id = {breweryParameter}))";
}
