using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Prices;

/// <summary>Setting prices: the lead for any beer, a brewer for its own brewery's; periods of one beer and channel never overlap.</summary>
public sealed class PriceCommands(NpgsqlDataSource db, BeerQueries beers)
{
    public async Task<Price> SetAsync(NewPrice body, Caller caller, CancellationToken ct)
    {
        var beer = await beers.FactsAsync(body.Sku!, ct) ?? throw new DomainProblem(Problems.NotFound("sku", $"beer {body.Sku}"));
        if (!caller.MayMoveBeerOf(beer.BreweryId)) throw new DomainProblem(Problems.Forbidden("a brewer sets the prices of its own brewery's beers"));
        await using var command = db.Command("""
            INSERT INTO prices (sku, channel, unit_price_cents, valid_from, valid_to, set_by) VALUES ($1, $2, $3, $4, $5, $6)
            RETURNING id, (SELECT br.slug FROM beers b JOIN breweries br ON br.id = b.brewery_id WHERE b.sku = $1)
            """, body.Sku, body.Channel, body.UnitPriceCents!.Value, body.ValidFrom!.Value, Db.Typed(body.ValidTo, NpgsqlTypes.NpgsqlDbType.Date), caller.Name);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return new Price(reader.GetInt64(0), body.Sku!, reader.GetString(1), body.Channel!, body.UnitPriceCents.Value, body.ValidFrom.Value, body.ValidTo, caller.Name);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            throw new DomainProblem(Problems.Conflict("Price period overlaps", $"{body.Sku} already has a {body.Channel} price on some of these days: end it first",
                new Dictionary<string, object?> { ["field"] = "validFrom" }));
        }
    }
}
