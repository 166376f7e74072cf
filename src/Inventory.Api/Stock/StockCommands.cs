using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Stock;

/// <summary>
/// Moving stock by hand and setting par levels, with the rules of who may move what: a brewer moves its
/// own beers (its part of a collab brew is one), into shared places or its own.
/// </summary>
public sealed class StockCommands(NpgsqlDataSource db, BeerQueries beers, StockQueries stock, TimeProvider time, TableCalendar calendar)
{
    /// <summary>
    /// A person reviews a count's discrepancy with what they found: the lead any, a brewer its own beers' (another's is a
    /// 404). Reviewed once: a second review, or one after a later fact explained it, answers what is recorded.
    /// </summary>
    public async Task<Discrepancy> ReviewDiscrepancyAsync(long id, DiscrepancyReview body, Caller caller, CancellationToken ct)
    {
        var found = (await stock.DiscrepanciesAsync(caller, unreviewedOnly: false, ct, id)).SingleOrDefault()
            ?? throw new DomainProblem(Problems.NotFound("id", $"discrepancy {id}"));
        if (found.Reviewed) return found;
        await using var review = db.Command("""
            UPDATE stock_discrepancies SET reviewed_at = $2, reviewed_by = $3, review_note = $4 WHERE id = $1 AND reviewed_at IS NULL
            """,
            /* $1 */ id,
            /* $2 */ time.GetUtcNow().UtcDateTime,
            /* $3 */ caller.Name,
            /* $4 */ body.Note!.Trim());
        await review.ExecuteNonQueryAsync(ct);
        return (await stock.DiscrepanciesAsync(caller, unreviewedOnly: false, ct, id)).Single();
    }

    /// <summary>Posts a movement once per Idempotency-Key (in the caller's own scope): 201 with the ledger rows, one per lot touched.</summary>
    public async Task<IResult> PostMovementAsync(NewMovement body, string? idempotencyKey, Caller caller, CancellationToken ct)
    {
        var beer = await beers.FactsAsync(body.Sku!, ct) ?? throw new DomainProblem(Problems.NotFound("sku", $"beer {body.Sku}"));
        (long Id, long? BreweryId, string Kind)? from = null, to = null;
        if (body.From is not null && (from = await Lookup.LocationAsync(db, body.From, ct)) is null) throw new DomainProblem(Problems.NotFound("from", $"location {body.From}"));
        if (body.To is not null && (to = await Lookup.LocationAsync(db, body.To, ct)) is null) throw new DomainProblem(Problems.NotFound("to", $"location {body.To}"));
        if (!caller.MayMoveBeerOf(beer.BreweryId))
            throw new DomainProblem(Problems.Forbidden($"a brewer moves its own brewery's beers (its part of a collab brew is one, under its own SKU); {body.Sku} is not one"));
        if (!caller.IsLead && to?.BreweryId is { } destination && destination != caller.BreweryId)
            throw new DomainProblem(Problems.Forbidden($"{body.To} belongs to another brewery: a brewer moves beer into shared places or his own"));
        // Units from nothing (a production, a count found more) only in one's own places: in a shared place they would be
        // phantom stock that the next shelf count books as sales.
        if (!caller.IsLead && from is null && to is { } place && LocationKinds.Shared.Contains(place.Kind))
            throw new DomainProblem(Problems.Forbidden($"{body.To} is a shared place: a brewer brings beer there by a transfer from its own places", "to"));
        var units = (body.Cases ?? 0) * beer.UnitsPerCase + (body.Units ?? 0);
        // A retired beer is not brewed any more: what is left of it still moves, but none is made from that day on.
        if (body.Kind == MovementKinds.Production && beer.RetiredOn is { } retired && calendar.DateOf(body.OccurredAt ?? time.GetUtcNow()) >= retired)
            throw new DomainProblem(Problems.Unprocessable("sku", $"{body.Sku} is retired from {retired:yyyy-MM-dd}: it is not brewed any more"));

        return await Idempotency.RunAsync(db, caller.Id, idempotencyKey, body, async (c, tx, token) =>
        {
            var posted = await Ledger.PostAsync(c, tx, new MovementToPost(body.Kind!, body.Sku!, body.Lot, units, from?.Id, to?.Id,
                body.OccurredAt ?? time.GetUtcNow(), caller.Name, body.Reason), allowShortfall: false, token);
            var rows = posted.Select(p => new MovementRow(p.Id, p.Kind, p.Sku, p.LotCode, p.Units, body.From, body.To, p.OccurredAt, caller.Name, body.Reason, null, p.Shortfall)).ToList();
            return (StatusCodes.Status201Created, new MovementPosted(rows));
        }, ct);
    }

    public async Task<ParLevel> SetParLevelAsync(ParLevel body, Caller caller, CancellationToken ct)
    {
        var beer = await beers.FactsAsync(body.Sku!, ct) ?? throw new DomainProblem(Problems.NotFound("sku", $"beer {body.Sku}"));
        if (!caller.MayMoveBeerOf(beer.BreweryId)) throw new DomainProblem(Problems.Forbidden("a brewer sets par levels of its own beers only"));
        if (beer.RetiredOn is { } retired && body.ParUnits > 0)
            throw new DomainProblem(Problems.Unprocessable("sku", $"{body.Sku} is retired from {retired:yyyy-MM-dd}: no fridge is to be stocked with it"));
        var location = await Lookup.LocationIdAsync(db, body.Location!, ct) ?? throw new DomainProblem(Problems.NotFound("location", $"location {body.Location}"));
        await using var command = db.Command("""
            INSERT INTO par_levels (sku, location_id, par_units) VALUES ($1, $2, $3)
            ON CONFLICT (sku, location_id) DO UPDATE SET par_units = EXCLUDED.par_units
            """, body.Sku, location, body.ParUnits!.Value);
        await command.ExecuteNonQueryAsync(ct);
        return body;
    }
}
