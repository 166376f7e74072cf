using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inventory.Api.Catalogue;

/// <summary>The routes of the catalogue: breweries, beers (SKUs), locations and devices.</summary>
public static class CatalogueApi
{
    /// <summary>The Catalogue feature's services: the one way routes, pages and other features reach its data.</summary>
    public static IServiceCollection AddCatalogue(this IServiceCollection services)
    {
        services.AddSingleton<CatalogueQueries>();
        services.AddSingleton<CatalogueCommands>();
        services.AddSingleton<BeerQueries>();
        return services;
    }

    public static RouteGroupBuilder MapCatalogueApi(this RouteGroupBuilder api)
    {
        var breweries = api.MapGroup("breweries")
            .WithTags("Catalogue")
            .RequireAuthorization(Policies.People);
        breweries.MapGet("", ListBreweries)
            .WithName("ListBreweries")
            .WithSummary("Member breweries of the Table");
        breweries.MapPost("", CreateBrewery)
            .WithName("CreateBrewery")
            .WithSummary("Add a brewery")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var beers = api.MapGroup("beers")

            .WithTags("Catalogue")

            .RequireAuthorization(Policies.People);
        beers.MapGet("", ListBeers)
            .WithName("ListBeers")
            .WithSummary("Beers (SKUs), optionally of one brewery");
        beers.MapGet("{sku}", GetBeer)
            .WithName("GetBeer")
            .WithSummary("One beer by its SKU")
            .ProducesProblem(StatusCodes.Status404NotFound);
        beers.MapPost("", CreateBeer)
            .WithName("CreateBeer")
            .WithSummary("Add a beer: the lead, or a brewer for its own brewery")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        beers.MapPost("{sku}/retirement", RetireBeer)
            .WithName("RetireBeer")
            .WithSummary("Retire a beer from a day (today by default): not brewed any more, its par levels end; what is left still moves and sells")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var locations = api.MapGroup("locations")

            .WithTags("Catalogue")

            .RequireAuthorization(Policies.People);
        locations.MapGet("", ListLocations)
            .WithName("ListLocations")
            .WithSummary("Places of the ledger, optionally of one kind or region");
        locations.MapPost("", CreateLocation)
            .WithName("CreateLocation")
            .WithSummary("Add a place: a brewery's own, a warehouse, or a shared place")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var devices = api.MapGroup("devices")

            .WithTags("Catalogue")

            .RequireAuthorization(Policies.People);
        devices.MapGet("", ListDevices)
            .WithName("ListDevices")
            .WithSummary("Fridges and kiosks, and where each stands");
        devices.MapPut("{deviceId}", PutDevice)
            .WithName("PutDevice")
            .WithSummary("Register a device or move it to a location")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Ok<List<Brewery>>> ListBreweries(CatalogueQueries catalogue, CancellationToken ct) =>
        TypedResults.Ok(await catalogue.BreweriesAsync(ct));

    private static async Task<Created<Brewery>> CreateBrewery(NewBrewery body, CatalogueCommands catalogue, CancellationToken ct) =>
        TypedResults.Created($"/api/v1/breweries/{body.Slug}", await catalogue.AddBreweryAsync(body, ct));

    private static async Task<Ok<List<Beer>>> ListBeers(string? brewery, CatalogueQueries catalogue, CancellationToken ct) =>
        TypedResults.Ok(await catalogue.BeersAsync(brewery, ct));

    private static async Task<Ok<Beer>> GetBeer(string sku, CatalogueQueries catalogue, CancellationToken ct) =>
        TypedResults.Ok(await catalogue.BeerAsync(sku, ct));

    private static async Task<Ok<Beer>> RetireBeer(string sku, BeerRetirement? body, Caller caller, CatalogueCommands catalogue, CancellationToken ct) =>
        TypedResults.Ok(await catalogue.RetireBeerAsync(sku, body ?? new BeerRetirement(null), caller, ct));

    private static async Task<Created<Beer>> CreateBeer(NewBeer body, Caller caller, CatalogueCommands catalogue, CancellationToken ct) =>
        TypedResults.Created($"/api/v1/beers/{body.Sku}", await catalogue.AddBeerAsync(body, caller, ct));

    private static async Task<Ok<List<Location>>> ListLocations(string? kind, string? region, CatalogueQueries catalogue, CancellationToken ct) =>
        TypedResults.Ok(await catalogue.LocationsAsync(kind, region, ct));

    private static async Task<Created<Location>> CreateLocation(NewLocation body, CatalogueCommands catalogue, CancellationToken ct) =>
        TypedResults.Created($"/api/v1/locations/{body.Code}", await catalogue.AddLocationAsync(body, ct));

    private static async Task<Ok<List<Device>>> ListDevices(CatalogueQueries catalogue, CancellationToken ct) =>
        TypedResults.Ok(await catalogue.DevicesAsync(ct));

    private static async Task<Ok<Device>> PutDevice(string deviceId, DeviceAssignment body, Caller caller, CatalogueCommands catalogue, CancellationToken ct) =>
        TypedResults.Ok(await catalogue.PutDeviceAsync(deviceId, body, caller.Name, ct));
}
