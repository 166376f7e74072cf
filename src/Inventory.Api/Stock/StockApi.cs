using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Inventory.Api.Stock;

/// <summary>The routes of the stock ledger: movements in, levels and history out.</summary>
public static class StockApi
{
    /// <summary>The Stock feature's services: the one way routes, pages and other features reach its data.</summary>
    public static IServiceCollection AddStock(this IServiceCollection services)
    {
        services.AddSingleton<StockQueries>();
        services.AddSingleton<StockCommands>();
        services.AddSingleton<ManualCounts>();
        services.AddSingleton<RestockRounds>();
        services.AddSingleton<RestockRoutes>();
        services.AddSingleton<Exposures>();
        services.AddOptions<ExposureOptions>().BindConfiguration("Exposure")
            .Validate(o => o.IsValid, "Exposure:ExposedAfter must be between 00:15:00 and 2.00:00:00").ValidateOnStart();
        services.AddOptions<RestockOptions>().BindConfiguration("Restock")
            .Validate(o => o.IsValid, "Restock:LongUnderPar must be between 01:00:00 and 30.00:00:00").ValidateOnStart();
        services.AddSingleton<StockReadCache>();
        return services;
    }

    public static RouteGroupBuilder MapStockApi(this RouteGroupBuilder api)
    {
        var stock = api.MapGroup("")
            .WithTags("Stock")
            .RequireAuthorization(Policies.People);
        stock.MapPost("movements", PostMovement)
            .WithName("PostMovement")
            .WithSummary("Record production, a transfer, a sale, a loss, a count adjustment or a return (Idempotency-Key header)")
            .Produces<MovementPosted>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        stock.MapPost("stock/counts", CountByHand)
            .WithName("CountShelfByHand")
            .WithSummary("A COOP fridge's shelf counted by hand on a round: sales since the count before, broken cans as losses (the lead: every beer; a brewer: its own)")
            .Produces<ManualCountRecorded>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        stock.MapGet("movements", ListMovements)
            .WithName("ListMovements")
            .WithSummary("Movement history, newest first, paged by cursor");
        stock.MapGet("stock", GetStock)
            .WithName("GetStock")
            .WithSummary("Levels per SKU, location and lot, now or as of a past moment");
        stock.MapGet("stock/low", GetLowStock)
            .WithName("GetLowStock")
            .WithSummary("Levels under their par level");
        stock.MapGet("par-levels", ParLevels)
            .WithName("ListParLevels")
            .WithSummary("The par levels set at the COOP fridges, by fridge then beer (a brewer: its own beers)");
        stock.MapPut("par-levels", PutParLevel)
            .WithName("PutParLevel")
            .WithSummary("Set the par level of a beer at a place (a brewer: its own beers)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        stock.MapGet("stock/restock", Restock)
            .WithName("GetRestockList")
            .WithSummary("What to bring to each COOP fridge to fill its beers back to par, by brewery and fridge (a brewer: its own beers)");
        stock.MapGet("stock/restock/routes", Routes)
            .WithName("ListRestockRoutes")
            .WithSummary("Named routes: the COOP fridges one person visits (a brewer: the Table's and its brewery's)");
        stock.MapPost("stock/restock/routes", MakeRoute)
            .WithName("MakeRestockRoute")
            .WithSummary("Name a route: a set of COOP fridges one person visits")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        stock.MapPut("stock/restock/routes/{route:long}", ReplaceRoute)
            .WithName("ReplaceRestockRoute")
            .WithSummary("Rename a route, change its driver or its fridges (a brewer: its brewery's)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        stock.MapGet("stock/restock/rounds", Rounds)
            .WithName("ListRestockRounds")
            .WithSummary("Restocking rounds, newest first, with what each line delivered (a brewer: its brewery's)");
        stock.MapPost("stock/restock/rounds", MakeRound)
            .WithName("MakeRestockRound")
            .WithSummary("Make a restocking round from the restock list: one line per fridge and beer under par (a brewer: its own beers)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        stock.MapPost("stock/restock/rounds/{round:long}/lines/{line:long}/delivery", DeliverLine)
            .WithName("DeliverRestockLine")
            .WithSummary("Tick a round's line: what was put in the fridge is posted as one transfer, once (ticking again posts nothing)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        stock.MapGet("stock/exposures", ListExposures)
            .WithName("ListExposures")
            .WithSummary("Lots exposed to heat (a fridge above its limit long enough), undecided first (a brewer: its own beers')");
        stock.MapPost("stock/exposures/{id:long}/decision", DecideExposure)
            .WithName("DecideExposure")
            .WithSummary("Keep the exposed lot, or discard it (a loss of what is still there), once, recorded with who decided")
            .ProducesProblem(StatusCodes.Status404NotFound);
        stock.MapGet("stock/discrepancies", ListDiscrepancies)
            .WithName("ListDiscrepancies")
            .WithSummary("Shelf counts that disagreed with the ledger");
        stock.MapPost("stock/discrepancies/{id:long}/review", ReviewDiscrepancy)
            .WithName("ReviewDiscrepancy")
            .WithSummary("Review a discrepancy with what was found (the lead, or a brewer for its own beers); once")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static Task<IResult> PostMovement(NewMovement body, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey, Caller caller,
        StockCommands stock, CancellationToken ct) =>
        stock.PostMovementAsync(body, idempotencyKey, caller, ct);

    private static Task<IResult> CountByHand(ManualCount body, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey, Caller caller,
        ManualCounts counts, CancellationToken ct) =>
        counts.CountAsync(body, idempotencyKey, caller, ct);

    private static async Task<Ok<MovementPage>> ListMovements([AsParameters] MovementFilter filter, Caller caller, StockQueries stock, CancellationToken ct) =>
        TypedResults.Ok(await stock.MovementsAsync(caller, filter, ct));

    private static async Task<Ok<IReadOnlyList<StockRow>>> GetStock(string? brewery, string? location, string? sku, DateTimeOffset? asOf,
        Caller caller, StockQueries stock, CancellationToken ct) =>
        TypedResults.Ok(await stock.LevelsAsync(caller, brewery, location, sku, asOf, ct));

    private static async Task<Ok<List<LowStockRow>>> GetLowStock(string? location, Caller caller, StockQueries stock, CancellationToken ct) =>
        TypedResults.Ok(await stock.LowAsync(caller, location, ct));

    private static async Task<Ok<List<ParLevelRow>>> ParLevels(Caller caller, StockQueries stock, CancellationToken ct) =>
        TypedResults.Ok(await stock.ParLevelsAsync(caller, ct));

    private static async Task<Ok<ParLevel>> PutParLevel(ParLevel body, Caller caller, StockCommands stock, CancellationToken ct) =>
        TypedResults.Ok(await stock.SetParLevelAsync(body, caller, ct));

    private static async Task<Results<Ok<List<RestockLine>>, ProblemHttpResult>> Restock([AsParameters] RestockQuery query, Caller caller, StockQueries stock,
        RestockRoutes routes, CancellationToken ct)
    {
        var lines = await stock.RestockAsync(caller, query.Brewery, ct);
        if (query.Route is not { } id) return TypedResults.Ok(lines);
        if (await routes.FindAsync(id, caller, ct) is not { } route) return Problems.NotFound("route", $"route {id}");
        return TypedResults.Ok(lines.Where(l => route.Fridges.Any(f => f.Code == l.Fridge)).ToList());
    }

    private static async Task<Ok<List<RouteView>>> Routes(Caller caller, RestockRoutes routes, CancellationToken ct) =>
        TypedResults.Ok(await routes.ListAsync(caller, ct));

    private static async Task<Created<RouteView>> MakeRoute(NewRoute body, Caller caller, RestockRoutes routes, CancellationToken ct)
    {
        var route = await routes.SaveAsync(null, body, caller, ct);
        return TypedResults.Created($"/api/v1/stock/restock/routes/{route.Id}", route);
    }

    private static async Task<Ok<RouteView>> ReplaceRoute(long route, NewRoute body, Caller caller, RestockRoutes routes, CancellationToken ct) =>
        TypedResults.Ok(await routes.SaveAsync(route, body, caller, ct));

    private static async Task<Ok<List<RoundView>>> Rounds(Caller caller, RestockRounds rounds, CancellationToken ct) =>
        TypedResults.Ok(await rounds.HistoryAsync(caller, 100, ct));

    private static async Task<Created<RoundView>> MakeRound(NewRound body, Caller caller, RestockRounds rounds, CancellationToken ct)
    {
        var round = await rounds.MakeAsync(body, caller, ct);
        return TypedResults.Created($"/api/v1/stock/restock/rounds/{round.Id}", round);
    }

    private static async Task<Ok<RoundView>> DeliverLine(long round, long line, LineDelivery body, Caller caller, RestockRounds rounds, CancellationToken ct) =>
        TypedResults.Ok(await rounds.DeliverAsync(round, line, body, caller, ct));

    private static async Task<Ok<List<ExposureView>>> ListExposures(bool? undecided, Caller caller, Exposures exposures, CancellationToken ct) =>
        TypedResults.Ok(await exposures.ListAsync(caller, undecided == true, ct));

    private static async Task<Ok<ExposureView>> DecideExposure(long id, ExposureDecision body, Caller caller, Exposures exposures, CancellationToken ct) =>
        TypedResults.Ok(await exposures.DecideAsync(id, body, caller, ct));

    private static async Task<Ok<Discrepancy>> ReviewDiscrepancy(long id, DiscrepancyReview body, Caller caller, StockCommands stock, CancellationToken ct) =>
        TypedResults.Ok(await stock.ReviewDiscrepancyAsync(id, body, caller, ct));

    private static async Task<Ok<List<Discrepancy>>> ListDiscrepancies(bool? unreviewed, Caller caller, StockQueries stock, CancellationToken ct) =>
        TypedResults.Ok(await stock.DiscrepanciesAsync(caller, unreviewed == true, ct));
}
