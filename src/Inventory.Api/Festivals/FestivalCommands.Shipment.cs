using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Inventory.Api.Stock;

namespace Inventory.Api.Festivals;

/// <summary>A brewery's pick list shipped as one action: one transfer per line to its kiosk, once.</summary>
public sealed partial class FestivalCommands
{
    /// <summary>
    /// Ships a brewery's pick list: one transfer per line from the brewery's place (<see cref="Shipment.From"/>, its
    /// brewery place when absent) to the line's kiosk, now, in one transaction. Once per festival and brewery: a second
    /// shipment is a 409 (what the allocation added since goes by a transfer of its own); the same press retried with
    /// its <c>Idempotency-Key</c> gets the first answer. The lead ships any brewery's, a brewer its own.
    /// </summary>
    public async Task<IResult> ShipAsync(string code, string brewery, Shipment body, string? idempotencyKey, Caller caller, CancellationToken ct)
    {
        if (!caller.IsLead && caller.BrewerySlug != brewery)
            throw new DomainProblem(Problems.Forbidden("a brewery's pick list is shipped by the lead or by the brewery", "brewery"));
        var festival = await festivals.GetAsync(code, ct);
        RefuseIfCancelled(festival);
        var breweryId = await Lookup.BreweryIdAsync(db, brewery, ct);
        if (breweryId is null || !festival.Breweries.Contains(brewery)) throw new DomainProblem(Problems.NotFound("brewery", $"brewery {brewery} at {code}"));
        return await Idempotency.RunAsync(db, $"festival-shipment:{caller.Id}", idempotencyKey, new { code, brewery, body }, async (c, tx, token) =>
        {
            var from = await ShippedFromAsync(c, tx, breweryId.Value, body.From, token);
            var lines = festival.Allocation.Where(a => a.Brewery == brewery && a.ParUnits > 0).OrderBy(a => a.Kiosk, StringComparer.Ordinal).ThenBy(a => a.Sku, StringComparer.Ordinal).ToList();
            if (lines.Count == 0) throw new DomainProblem(Problems.Conflict("Nothing to ship", $"{brewery} has nothing allocated at {code}", new Dictionary<string, object?> { ["field"] = "brewery" }));
            var at = time.GetUtcNow();
            await using (var once = c.Command(tx, """
                INSERT INTO festival_shipments (festival_id, brewery_id, from_location_id, shipped_at, shipped_by)
                SELECT id, $2, $3, $4, $5 FROM festivals WHERE code = $1 ON CONFLICT DO NOTHING
                """,
                /* $1 */ code,
                /* $2 */ breweryId.Value,
                /* $3 */ from,
                /* $4 */ at.UtcDateTime,
                /* $5 */ caller.Name))
                if (await once.ExecuteNonQueryAsync(token) == 0)
                    throw new DomainProblem(Problems.Conflict("Shipped already", $"the pick list of {brewery} for {festival.Name} was shipped already: send what was added since by a transfer",
                        new Dictionary<string, object?> { ["field"] = "brewery" }));
            var posted = new List<PostedMovement>();
            foreach (var line in lines)
            {
                var kiosk = await Lookup.LocationIdAsync(c, festival.Kiosks.Single(k => k.Code == line.Kiosk).Location, token);
                posted.AddRange(await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Transfer, line.Sku, null, line.ParUnits, from, kiosk, at, caller.Name,
                    $"pick list of {festival.Name}, kiosk {line.Kiosk}"), allowShortfall: false, token));
            }
            return (StatusCodes.Status201Created, posted);
        }, ct);
    }

    /// <summary>The place a pick list leaves from: the one named (a place of the brewery's), else the brewery's own place.</summary>
    private static async Task<long> ShippedFromAsync(Npgsql.NpgsqlConnection c, Npgsql.NpgsqlTransaction tx, long breweryId, string? named, CancellationToken ct)
    {
        await using var place = c.Command(tx, """
            SELECT id FROM locations WHERE brewery_id = $1 AND ($2::text IS NULL OR code = $2) ORDER BY kind <> 'brewery', id LIMIT 1
            """, breweryId, Db.Typed(named, NpgsqlTypes.NpgsqlDbType.Text));
        return await place.ExecuteScalarAsync(ct) as long?
            ?? throw new DomainProblem(named is null
                ? Problems.Unprocessable("from", "the brewery has no place of its own to ship from: name one")
                : Problems.NotFound("from", $"location {named} of the brewery"));
    }
}
