using Inventory.Api.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inventory.Api.Prices;

/// <summary>The routes of the price list: a price per beer and channel (fridge shelf, kiosk, grocery wholesale), with validity dates.</summary>
public static class PricesApi
{
    /// <summary>The Prices feature's services: the one way routes, pages and other features reach its data.</summary>
    public static IServiceCollection AddPrices(this IServiceCollection services)
    {
        services.AddSingleton<PriceQueries>();
        services.AddSingleton<PriceCommands>();
        return services;
    }

    public static RouteGroupBuilder MapPricesApi(this RouteGroupBuilder api)
    {
        var prices = api.MapGroup("prices")
            .WithTags("Prices")
            .RequireAuthorization(Policies.People);
        prices.MapGet("", List)
            .WithName("ListPrices")
            .WithSummary("The price list, optionally of one beer, one channel, or in force on a day");
        prices.MapPost("", Set)
            .WithName("SetPrice")
            .WithSummary("Set a beer's price in a channel from a day (the lead, or a brewer for its own beers); the price in force that day ends the day before")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        prices.MapPost("{id:long}/end", End)
            .WithName("EndPrice")
            .WithSummary("End a price on its last day (the lead, or a brewer for its own beers)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Ok<List<Price>>> List([AsParameters] PriceFilter filter, Caller caller, PriceQueries prices, CancellationToken ct) =>
        TypedResults.Ok(await prices.ListAsync(caller, filter, ct));

    private static async Task<Results<Ok<Price>, NotFound>> End(long id, PriceEnd body, Caller caller, PriceCommands prices, CancellationToken ct) =>
        await prices.EndAsync(id, body, caller, ct) is { } price ? TypedResults.Ok(price) : TypedResults.NotFound();

    private static async Task<Created<Price>> Set(NewPrice body, Caller caller, PriceCommands prices, CancellationToken ct)
    {
        var price = await prices.SetAsync(body, caller, ct);
        return TypedResults.Created($"/api/v1/prices?sku={price.Sku}&channel={price.Channel}", price);
    }
}
