using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Inventory.Api.Sales;
using Inventory.Api.Stock;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Inventory.Api.Grocery;

/// <summary>
/// The routes of the grocery pilot: placements (SKU × store), weekly sell-through reports, and how each
/// placement performs.
/// </summary>
public static class GroceryApi
{
    /// <summary>The Grocery feature's services: the one way routes, pages and other features reach its data.</summary>
    public static IServiceCollection AddGrocery(this IServiceCollection services)
    {
        services.AddSingleton<GroceryQueries>();
        services.AddSingleton<GroceryCommands>();
        return services;
    }

    public static RouteGroupBuilder MapGroceryApi(this RouteGroupBuilder api)
    {
        var grocery = api.MapGroup("grocery")
            .WithTags("Grocery pilot")
            .RequireAuthorization(Policies.People);
        grocery.MapGet("placements", ListPlacements)
            .WithName("ListPlacements")
            .WithSummary("Placements of beers in grocery stores, optionally of one store");
        grocery.MapPost("placements", CreatePlacement)
            .WithName("CreatePlacement")
            .WithSummary("Place a beer in a grocery store for a period, with facings and shelf price")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        grocery.MapPost("sell-through", ReportSellThrough)
            .WithName("ReportSellThrough")
            .WithSummary("A store's weekly sales, into the ledger once (Idempotency-Key defaults to store:week)")
            .RequireAuthorization(Policies.Lead)
            .Produces<List<PostedMovement>>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        grocery.MapGet("performance", GetPerformance)
            .WithName("PlacementPerformance")
            .WithSummary("Per placement as of a day: delivered, taken back, sold, on hand, sell-through rate, weekly rate, weeks of stock left, out of stock")
            .ExpensiveRead();
        grocery.MapGet("weeks", Weeks)
            .WithName("GroceryWeeks")
            .WithSummary("Each store's units and revenue per beer and Québec week (Monday to Sunday) over a period of days")
            .ExpensiveRead();
        return api;
    }

    private static async Task<Ok<List<Placement>>> ListPlacements(string? store, Caller caller, GroceryQueries grocery, CancellationToken ct) =>
        TypedResults.Ok(await grocery.PlacementsAsync(caller, store, ct));

    private static async Task<Created<Placement>> CreatePlacement(NewPlacement body, GroceryCommands grocery, CancellationToken ct)
    {
        var placement = await grocery.PlaceAsync(body, ct);
        return TypedResults.Created($"/api/v1/grocery/placements/{placement.Id}", placement);
    }

    private static Task<IResult> ReportSellThrough(SellThroughReport body, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey, GroceryCommands grocery, CancellationToken ct) =>
        grocery.ReportSellThroughAsync(body, idempotencyKey, ct);

    private static async Task<Ok<List<PlacementPerformance>>> GetPerformance([AsParameters] PerformanceQuery query, Caller caller, GroceryQueries grocery,
        CancellationToken ct) =>
        TypedResults.Ok(await grocery.PerformanceAsync(caller, query.Weeks ?? 4, query.AsOf, ct));

    private static async Task<Ok<List<GroceryWeek>>> Weeks([AsParameters] SalesPeriod period, Caller caller, GroceryQueries grocery, TableCalendar calendar,
        CancellationToken ct)
    {
        var (from, to) = period.Resolve(calendar.Today);
        return TypedResults.Ok(await grocery.WeeksAsync(caller, from, to, ct));
    }
}
