using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Inventory.Api.Prices;
using Inventory.Api.Stock;
using Npgsql;

namespace Inventory.Api.Grocery;

/// <summary>
/// The grocery pilot's changes: placing a SKU in a store for a period, and a store's weekly sell-through,
/// into the ledger once per store and week (deliveries are ledger transfers, <c>POST /api/v1/movements</c>).
/// </summary>
public sealed class GroceryCommands(NpgsqlDataSource db, BeerQueries beers, TableCalendar calendar)
{
    public async Task<Placement> PlaceAsync(NewPlacement body, CancellationToken ct)
    {
        if (await beers.FactsAsync(body.Sku!, ct) is null) throw new DomainProblem(Problems.NotFound("sku", $"beer {body.Sku}"));
        await using var command = db.Command($"""
            INSERT INTO grocery_placements (sku, location_id, starts_on, ends_on, facings, shelf_price_cents)
            SELECT $1, id, $3, $4, $5, $6 FROM locations WHERE code = $2 AND kind = '{LocationKinds.GroceryStore}' RETURNING id
            """,
            /* $1 */ body.Sku,
            /* $2 */ body.Store,
            /* $3 */ body.StartsOn!.Value,
            /* $4 */ Db.Typed(body.EndsOn, NpgsqlTypes.NpgsqlDbType.Date),
            /* $5 */ body.Facings!.Value,
            /* $6 */ body.ShelfPriceCents!.Value);
        try
        {
            if (await command.ExecuteScalarAsync(ct) is not long id) throw new DomainProblem(Problems.NotFound("store", $"grocery store {body.Store}"));
            return new Placement(id, body.Sku!, body.Store!, body.StartsOn.Value, body.EndsOn, body.Facings.Value, body.ShelfPriceCents.Value);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            throw new DomainProblem(Problems.Conflict("Already placed", $"{body.Sku} is already placed at {body.Store} on some of these dates",
                new Dictionary<string, object?> { ["field"] = "startsOn" }));
        }
    }

    /// <summary>A store's weekly sales, priced at the grocery list price in force that week; once per key (by default store:week).</summary>
    public async Task<IResult> ReportSellThroughAsync(SellThroughReport body, string? idempotencyKey, CancellationToken ct)
    {
        var store = await Lookup.LocationIdAsync(db, body.Store!, ct) ?? throw new DomainProblem(Problems.NotFound("store", $"grocery store {body.Store}"));
        var at = calendar.At(body.WeekEnding!.Value, new TimeOnly(23, 59)); // the week's last evening, on the Table's clock
        return await Idempotency.RunAsync(db, "grocery-sell-through", idempotencyKey ?? $"{body.Store}:{body.WeekEnding:yyyy-MM-dd}", body, async (c, tx, token) =>
        {
            var movements = new List<PostedMovement>();
            for (var i = 0; i < body.Lines!.Count; i++)
            {
                var line = body.Lines[i]!;
                if (await beers.FactsAsync(c, line.Sku!, token) is null) throw new DomainProblem(Problems.Unprocessable($"lines[{i}].sku", $"unknown SKU {line.Sku}"));
                if (line.UnitsSold == 0) continue;
                // What the brewery is paid for a unit the store sold is the grocery list (wholesale) price in force that week,
                // not the store's shelf price (the store's own margin); none in the list: unpriced, never $0.
                var wholesale = await PriceQueries.PriceAsync(c, tx, line.Sku!, PriceChannels.Grocery, at, token);
                // Sold on the shelf: recorded even beyond what the ledger holds, the shortfall flagged.
                movements.AddRange(await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Sale, line.Sku!, null, line.UnitsSold!.Value, store, null, at,
                    "grocery-sell-through", $"week ending {body.WeekEnding:yyyy-MM-dd}", null, wholesale), allowShortfall: true, token));
            }
            return (StatusCodes.Status201Created, movements);
        }, ct);
    }
}
