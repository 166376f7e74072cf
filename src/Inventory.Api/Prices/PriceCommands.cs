using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Prices;

/// <summary>
/// Setting prices: the lead for any beer, a brewer for its own brewery's; periods of one beer and channel never
/// overlap. A new price from a day supersedes the price in force that day (it ends the day before); a price is
/// ended by giving its last day. Sales already booked keep the price they were booked at.
/// </summary>
public sealed class PriceCommands(NpgsqlDataSource db, BeerQueries beers)
{
    private const string Returning = "RETURNING id, sku, (SELECT br.slug FROM beers b JOIN breweries br ON br.id = b.brewery_id WHERE b.sku = prices.sku), channel, unit_price_cents, valid_from, valid_to, set_by";

    public async Task<Price> SetAsync(NewPrice body, Caller caller, CancellationToken ct)
    {
        var beer = await beers.FactsAsync(body.Sku!, ct) ?? throw new DomainProblem(Problems.NotFound("sku", $"beer {body.Sku}"));
        if (!caller.MayMoveBeerOf(beer.BreweryId)) throw new DomainProblem(Problems.Forbidden("a brewer sets the prices of its own brewery's beers"));
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            // The price in force on the new one's first day, begun before it, ends the day before: superseded.
            await using var supersede = connection.Command(tx, """
                UPDATE prices SET valid_to = $3::date - 1
                WHERE sku = $1 AND channel = $2 AND valid_from < $3 AND daterange(valid_from, valid_to, '[]') @> $3::date
                """, body.Sku, body.Channel, body.ValidFrom!.Value);
            await supersede.ExecuteNonQueryAsync(ct);
            await using var insert = connection.Command(tx, $"""
                INSERT INTO prices (sku, channel, unit_price_cents, valid_from, valid_to, set_by) VALUES ($1, $2, $3, $4, $5, $6) {Returning}
                """,
                /* $1 */ body.Sku,
                /* $2 */ body.Channel,
                /* $3 */ body.UnitPriceCents!.Value,
                /* $4 */ body.ValidFrom.Value,
                /* $5 */ Db.Typed(body.ValidTo, NpgsqlTypes.NpgsqlDbType.Date),
                /* $6 */ caller.Name);
            var price = (await insert.ListAsync(Read, ct))[0];
            await tx.CommitAsync(ct);
            return price;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            throw new DomainProblem(Problems.Conflict("Price period overlaps",
                $"{body.Sku} already has a {body.Channel} price starting on or after {body.ValidFrom:yyyy-MM-dd} within these days: end or change that one",
                new Dictionary<string, object?> { ["field"] = "validFrom" }));
        }
    }

    /// <summary>Ends a price on a day (its last, included); 404 for a price the caller may not see as its own.</summary>
    public async Task<Price?> EndAsync(long id, PriceEnd body, Caller caller, CancellationToken ct)
    {
        await using var command = db.Command($"""
            UPDATE prices SET valid_to = $2
            WHERE id = $1 AND ($3::bigint IS NULL OR sku IN (SELECT sku FROM beers WHERE brewery_id = $3)) {Returning}
            """, id, body.ValidTo!.Value, Db.Typed(caller.OnlyBreweryId, NpgsqlTypes.NpgsqlDbType.Bigint));
        try
        {
            return (await command.ListAsync(Read, ct)).SingleOrDefault();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CheckViolation)
        {
            throw new DomainProblem(Problems.Invalid("validTo", "must be on or after the price's validFrom"));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            throw new DomainProblem(Problems.Conflict("Price period overlaps", "the price would run into the next one: end it before that one starts",
                new Dictionary<string, object?> { ["field"] = "validTo" }));
        }
    }

    private static Price Read(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
        r.GetFieldValue<DateOnly>(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateOnly>(6), r.GetString(7));
}
