
namespace Inventory.Api.Auth;

/// <summary>
/// rule "Each brewery sees its own", in one place: a brewer sees the figures of his own brewery's beers (its part of a collab
/// brew is a beer of its own: docs/collab-brews.md), never another brewery's sales, revenue, discrepancies or movement details.
/// The lead sees everything. docs/security.md has the matrix, route by route.
/// </summary>
public static class Visibility
{
    /// <summary>The caller's <see cref="Caller.OnlyBreweryId"/> as a typed parameter (NULL for the lead: <c>$n::bigint IS NULL OR …</c>).</summary>
    public static Npgsql.NpgsqlParameter OnlyBrewery(Caller caller) => Infrastructure.Db.Typed(caller.OnlyBreweryId, NpgsqlTypes.NpgsqlDbType.Bigint);

    /// <summary>
    /// SQL condition on a <c>beers b</c> row: the beer is the brewery's own. Not a collab brew's other parts: a partner
    /// seeing them would read its partners' sales of the beer they share (the brew's own figures are on its page).
    /// </summary>
    public static string BeerOf(string breweryParameter) => $"b.brewery_id = {breweryParameter}";
}
