using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Inventory.Api.Stock;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Inventory.Api.Grocery;

public sealed record NewPlacement(string? Sku, string? Store, DateOnly? StartsOn, DateOnly? EndsOn, int? Facings, long? ShelfPriceCents);
public sealed record Placement(long Id, string Sku, string Store, DateOnly StartsOn, DateOnly? EndsOn, int Facings, long ShelfPriceCents);
public sealed record SellThroughLine(string? Sku, int? UnitsSold);
public sealed record SellThroughReport(string? Store, DateOnly? WeekEnding, List<SellThroughLine?>? Lines);
public sealed record PlacementPerformance(string Sku, string Store, int Delivered, int Sold, int OnHand, decimal SellThroughPercent,
    decimal AverageWeeklySales, decimal? WeeksOfStockLeft, bool OutOfStock);

/// <summary>
/// The grocery pilot: placements (SKU × store), deliveries (ledger transfers into the store, through
/// <c>POST /api/v1/movements</c>), weekly sell-through reports (sales into the ledger, once per store
/// and week), and how each placement performs.
/// </summary>
public static class GroceryApi
{
    public static RouteGroupBuilder MapGroceryApi(this RouteGroupBuilder api)
    {
        var grocery = api.MapGroup("grocery").WithTags("Grocery pilot").RequireAuthorization(Policies.People);
        grocery.MapGet("placements", ListPlacementsAsync).WithName("ListPlacements");
        grocery.MapPost("placements", CreatePlacementAsync).WithName("CreatePlacement").RequireAuthorization(Policies.Lead);
        grocery.MapPost("sell-through", ReportSellThroughAsync).WithName("ReportSellThrough")
            .WithSummary("A store's weekly sales, into the ledger once (Idempotency-Key defaults to store:week)").RequireAuthorization(Policies.Lead);
        grocery.MapGet("performance", GetPerformanceAsync).WithName("PlacementPerformance")
            .WithSummary("Per placement: delivered, sold, on hand, sell-through rate, weeks of stock left, out of stock");
        return api;
    }

    private static async Task<Ok<List<Placement>>> ListPlacementsAsync(string? store, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT p.id, p.sku, l.code, p.starts_on, p.ends_on, p.facings, p.shelf_price_cents FROM grocery_placements p JOIN locations l ON l.id = p.location_id
            WHERE $1::text IS NULL OR l.code = $1 ORDER BY l.code, p.sku, p.starts_on
            """);
        command.Parameters.Add(new() { Value = (object?)store ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return TypedResults.Ok(await command.ListAsync(r => new Placement(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateOnly>(3),
            r.IsDBNull(4) ? null : r.GetFieldValue<DateOnly>(4), r.GetInt32(5), r.GetInt64(6)), ct));
    }

    private static async Task<IResult> CreatePlacementAsync(NewPlacement body, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validator()
            .Require(body.Sku is not null, "sku", "is required")
            .Require(body.Store is not null, "store", "is required (a grocery_store location code)")
            .Require(body.StartsOn is not null, "startsOn", "is required")
            .Require(body.EndsOn is null || body.EndsOn >= body.StartsOn, "endsOn", "must be on or after startsOn")
            .Require(body.Facings is >= 1 and <= 50, "facings", "must be within 1..50")
            .Require(body.ShelfPriceCents is >= 0 and <= 100_000, "shelfPriceCents", "must be within 0..100000");
        if (!v.IsValid) return v.Problem();
        if (await StockApi.BeerAsync(db, body.Sku!, ct) is null) return Problems.NotFound("sku", $"beer {body.Sku}");
        await using var command = db.CreateCommand("""
            INSERT INTO grocery_placements (sku, location_id, starts_on, ends_on, facings, shelf_price_cents)
            SELECT $1, id, $3, $4, $5, $6 FROM locations WHERE code = $2 AND kind = 'grocery_store' RETURNING id
            """);
        command.Parameters.Add(new() { Value = body.Sku });
        command.Parameters.Add(new() { Value = body.Store });
        command.Parameters.Add(new() { Value = body.StartsOn!.Value });
        command.Parameters.Add(new() { Value = (object?)body.EndsOn ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        command.Parameters.Add(new() { Value = body.Facings!.Value });
        command.Parameters.Add(new() { Value = body.ShelfPriceCents!.Value });
        try
        {
            if (await command.ExecuteScalarAsync(ct) is not long id) return Problems.NotFound("store", $"grocery store {body.Store}");
            return TypedResults.Created($"/api/v1/grocery/placements/{id}", new Placement(id, body.Sku!, body.Store!, body.StartsOn.Value, body.EndsOn, body.Facings.Value, body.ShelfPriceCents.Value));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            return Problems.Conflict("Already placed", $"{body.Sku} is already placed at {body.Store} on some of these dates",
                new Dictionary<string, object?> { ["field"] = "startsOn" });
        }
    }

    private static async Task<IResult> ReportSellThroughAsync(SellThroughReport body, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey,
        NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var v = new Validator()
            .Require(body.Store is not null, "store", "is required")
            .Require(body.WeekEnding is not null && body.WeekEnding <= DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime.AddDays(1)), "weekEnding", "is required, not in the future")
            .Require(body.Lines is { Count: > 0 and <= 500 }, "lines", "must have 1 to 500 lines");
        for (var i = 0; body.Lines is not null && i < body.Lines.Count; i++)
            v.Require(body.Lines[i]?.Sku is not null, $"lines[{i}].sku", "is required")
             .Require(body.Lines[i]?.UnitsSold is >= 0 and <= 100_000, $"lines[{i}].unitsSold", "must be within 0..100000");
        if (!v.IsValid) return v.Problem();
        var store = await Lookup.LocationIdAsync(db, body.Store!, ct);
        if (store is null) return Problems.NotFound("store", $"grocery store {body.Store}");
        var at = new DateTimeOffset(body.WeekEnding!.Value.ToDateTime(new TimeOnly(23, 59)), TimeSpan.Zero);
        // A week's report counts once: by default the key is the store and the week.
        return await Idempotency.RunAsync(db, "grocery-sell-through", idempotencyKey ?? $"{body.Store}:{body.WeekEnding:yyyy-MM-dd}", body, async (c, tx, token) =>
        {
            var movements = new List<PostedMovement>();
            for (var i = 0; i < body.Lines!.Count; i++)
            {
                var line = body.Lines[i]!;
                if (await StockApi.BeerAsync(c, line.Sku!, token) is null) throw new DomainProblem(Problems.Unprocessable($"lines[{i}].sku", $"unknown SKU {line.Sku}"));
                if (line.UnitsSold == 0) continue;
                // The shelf price of the placement in force that week prices the sale (the store reports units only).
                await using var price = new NpgsqlCommand("""
                    SELECT shelf_price_cents FROM grocery_placements WHERE sku = $1 AND location_id = $2 AND daterange(starts_on, ends_on, '[]') @> $3::date
                    """, c, tx);
                price.Parameters.Add(new() { Value = line.Sku });
                price.Parameters.Add(new() { Value = store.Value });
                price.Parameters.Add(new() { Value = body.WeekEnding!.Value });
                var shelfPrice = await price.ExecuteScalarAsync(token) as long?;
                // Sold on the shelf: recorded even beyond what the ledger holds, the shortfall flagged.
                movements.AddRange(await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Sale, line.Sku!, null, line.UnitsSold!.Value, store, null, at,
                    "grocery-sell-through", $"week ending {body.WeekEnding:yyyy-MM-dd}", null, shelfPrice), allowShortfall: true, token));
            }
            return (StatusCodes.Status201Created, movements);
        }, ct);
    }

    private static async Task<Ok<List<PlacementPerformance>>> GetPerformanceAsync(int? weeks, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var all = await PerformanceAsync(db, time, weeks ?? 4, ct);
        var visible = await Visibility.SkusAsync(db, Caller.From(http.User), ct);
        return TypedResults.Ok(visible is null ? all : all.Where(p => visible.Contains(p.Sku)).ToList());
    }

    /// <summary>Each current placement's figures over the last <paramref name="weeks"/> weeks.</summary>
    internal static async Task<List<PlacementPerformance>> PerformanceAsync(NpgsqlDataSource db, TimeProvider time, int weeks, CancellationToken ct)
    {
        var window = Math.Clamp(weeks, 1, 52);
        var since = time.GetUtcNow().AddDays(-7 * window);
        await using var command = db.CreateCommand("""
            SELECT p.sku, l.code,
                   coalesce((SELECT sum(m.units) FROM movements m WHERE m.sku = p.sku AND m.to_location_id = l.id AND m.kind = 'transfer'), 0)::int AS delivered,
                   coalesce((SELECT sum(m.units) FROM movements m WHERE m.sku = p.sku AND m.from_location_id = l.id AND m.kind = 'sale'), 0)::int AS sold,
                   coalesce((SELECT sum(m.units) FROM movements m WHERE m.sku = p.sku AND m.from_location_id = l.id AND m.kind = 'sale' AND m.occurred_at >= $1), 0)::int AS sold_recently,
                   coalesce((SELECT sum(s.units) FROM stock_levels s WHERE s.sku = p.sku AND s.location_id = l.id), 0)::int AS on_hand
            FROM grocery_placements p JOIN locations l ON l.id = p.location_id
            WHERE p.ends_on IS NULL OR p.ends_on >= $1::date
            ORDER BY l.code, p.sku
            """);
        command.Parameters.Add(new() { Value = since.UtcDateTime });
        return await command.ListAsync(r =>
        {
            var (delivered, sold, recent, onHand) = (r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5));
            var weekly = Math.Round((decimal)recent / window, 2);
            return new PlacementPerformance(r.GetString(0), r.GetString(1), delivered, sold, onHand,
                delivered == 0 ? 0 : Math.Round(100m * sold / delivered, 1), weekly,
                weekly == 0 ? null : Math.Round(Math.Max(0, onHand) / weekly, 1), onHand <= 0);
        }, ct);
    }
}
