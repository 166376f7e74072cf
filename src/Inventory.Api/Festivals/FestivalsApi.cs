using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Inventory.Api.Festivals;

/// <summary>
/// The routes of festival kiosks and tours: the festival and its participating breweries, kiosks (each
/// a ledger location), devices placed on kiosks without double-booking, the allocation plan with
/// suggested par levels, pick lists per brewery, and the reconciliation after the event.
/// </summary>
public static class FestivalsApi
{
    /// <summary>The Festivals feature's services: the one way routes, pages and other features reach its data.</summary>
    public static IServiceCollection AddFestivals(this IServiceCollection services)
    {
        services.AddSingleton<FestivalQueries>();
        services.AddSingleton<FestivalCommands>();
        services.AddSingleton<SettlementStatements>();
        return services;
    }

    public static RouteGroupBuilder MapFestivalsApi(this RouteGroupBuilder api)
    {
        var festivals = api.MapGroup("festivals")
            .WithTags("Festivals")
            .RequireAuthorization(Policies.People)
            .ProducesProblem(StatusCodes.Status404NotFound);
        festivals.MapGet("", List)
            .WithName("ListFestivals")
            .WithSummary("Festivals and tours, newest first, with their kiosks and allocation");
        festivals.MapGet("{code}", Get)
            .WithName("GetFestival")
            .WithSummary("A festival or tour, with its breweries, kiosks, devices and allocation");
        festivals.MapGet("{code}/allocation/suggested", Suggest)
            .WithName("SuggestAllocation")
            .WithSummary("Par levels per kiosk × SKU from past sales per attendee, else an even split")
            .ProducesProblem(StatusCodes.Status409Conflict);
        festivals.MapGet("{code}/pick-lists", PickLists)
            .WithName("GetPickLists")
            .WithSummary("What each brewery delivers to which kiosk, by when (a brewer sees its own)");
        festivals.MapPost("{code}/pick-lists/{brewery}/shipment", Ship)
            .WithName("ShipPickList")
            .WithSummary("Ship a brewery's pick list as one action: one transfer per line to its kiosk, once (the lead, or the brewery's brewer)")
            .Produces<List<Stock.PostedMovement>>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        festivals.MapPost("", Create)
            .WithName("CreateFestival")
            .WithSummary("Create a festival or a tour with the member breweries taking part (Idempotency-Key header)")
            .RequireAuthorization(Policies.Lead)
            .Produces<FestivalView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        festivals.MapPut("{code}", Change)
            .WithName("ChangeFestival")
            .WithSummary("Change a festival's name, place, dates (its devices move with them), attendance or kiosk fee")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        festivals.MapPost("{code}/cancellation", Cancel)
            .WithName("CancelFestival")
            .WithSummary("Cancel a festival no beer was sent to: kept as cancelled (who, when, why), its devices freed")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status409Conflict);
        festivals.MapPost("{code}/kiosks", AddKiosk)
            .WithName("AddKiosk")
            .WithSummary("Add a kiosk (or a tour stop hosted by a member brewery on a day of the tour)")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        festivals.MapPost("{code}/kiosks/{kiosk}/devices", AssignDevice)
            .WithName("AssignDevice")
            .WithSummary("Place a device on a kiosk for the festival's dates (409 if it stands elsewhere then)")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status409Conflict);
        festivals.MapPut("{code}/allocation", SaveAllocation)
            .WithName("SaveAllocation")
            .WithSummary("Set par levels per kiosk and SKU")
            .RequireAuthorization(Policies.Lead);
        festivals.MapPost("{code}/kiosks/{kiosk}/sales", ReportStopSales)
            .WithName("ReportStopSales")
            .WithSummary("A tour stop's (or kiosk's) sales, reported once by the lead or the host brewery")
            .Produces<List<Stock.PostedMovement>>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        festivals.MapGet("{code}/results", Results)
            .WithName("FestivalResults")
            .WithSummary("Per stop and per brewery: sent, sold, returned, lost, revenue");
        festivals.MapGet("{code}/settlement", Settlement)
            .WithName("FestivalSettlement")
            .WithSummary("Who owes whom: each party's takings, kiosk fee, collected and balance, and the fewest transfers (format=csv for a spreadsheet)")
            .Produces<FestivalSettlement>(StatusCodes.Status200OK, "application/json", "text/csv");
        festivals.MapPost("{code}/statements", IssueStatement)
            .WithName("IssueSettlementStatement")
            .WithSummary("Issue the settlement as a numbered, frozen statement; after it, a correction statement of what later facts changed")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        festivals.MapGet("{code}/statements", Statements)
            .WithName("SettlementStatements")
            .WithSummary("The issued statements, in order, each as it was issued (a brewer: its own lines)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        festivals.MapPost("{code}/reconciliation/preview", PreviewReconciliation)
            .WithName("PreviewFestivalReconciliation")
            .WithSummary("What the reconciliation would post with these returns (sent, sold, returned, lost per kiosk and beer); nothing is posted")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        festivals.MapPost("{code}/reconciliation", Reconcile)
            .WithName("ReconcileFestival")
            .WithSummary("After the event: returns posted, the rest of each kiosk's stock posted as loss; once")
            .RequireAuthorization(Policies.Lead)
            .Produces<List<ReconciledLine>>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
    }

    private static async Task<Ok<List<FestivalView>>> List(FestivalQueries festivals, CancellationToken ct) =>
        TypedResults.Ok(await festivals.AllAsync(ct));

    private static async Task<Ok<FestivalView>> Get(string code, FestivalQueries festivals, CancellationToken ct) =>
        TypedResults.Ok(await festivals.GetAsync(code, ct));

    private static async Task<Results<Ok<IReadOnlyList<SuggestedPar>>, ProblemHttpResult>> Suggest(string code, Caller caller, FestivalQueries festivals, CancellationToken ct)
    {
        var festival = await festivals.GetAsync(code, ct);
        if (festival.Kiosks.Count == 0) return Problems.Conflict("No kiosk", $"{code} has no kiosk yet: add kiosks first");
        return await festivals.SuggestedAsync(festival, caller.OnlyBrewerySlug, ct) is { } suggested
            ? TypedResults.Ok(suggested)
            : Problems.Conflict("Nothing to allocate", "no participating brewery has a beer");
    }

    private static async Task<Ok<List<PickList>>> PickLists(string code, Caller caller, FestivalQueries festivals, CancellationToken ct) =>
        TypedResults.Ok(await festivals.PickListsAsync(await festivals.GetAsync(code, ct), caller.OnlyBrewerySlug, ct));

    private static async Task<Ok<List<StopResult>>> Results(string code, Caller caller, FestivalQueries festivals, CancellationToken ct)
    {
        await festivals.GetAsync(code, ct);
        return TypedResults.Ok(await festivals.ResultsAsync(code, caller.OnlyBrewerySlug, ct));
    }

    private static async Task<Created<IssuedStatement>> IssueStatement(string code, Caller caller, SettlementStatements statements, CancellationToken ct)
    {
        var issued = await statements.IssueAsync(code, caller.Name, ct);
        return TypedResults.Created($"/api/v1/festivals/{code}/statements", issued);
    }

    private static async Task<Ok<List<IssuedStatement>>> Statements(string code, Caller caller, SettlementStatements statements, CancellationToken ct) =>
        TypedResults.Ok(await statements.ListAsync(code, caller.OnlyBrewerySlug, ct));

    private static async Task<Results<Ok<FestivalSettlement>, FileContentHttpResult>> Settlement(string code, string? format, Caller caller, FestivalQueries festivals, CancellationToken ct)
    {
        var settlement = await festivals.SettlementAsync(await festivals.GetAsync(code, ct), caller.OnlyBrewerySlug, ct);
        if (format != "csv") return TypedResults.Ok(settlement);
        return TypedResults.File(FestivalQueries.SettlementCsv(settlement).ToUtf8(), "text/csv; charset=utf-8", $"reglement-{code}.csv");
    }

    private static Task<IResult> Create(NewFestival body, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey, FestivalCommands festivals, CancellationToken ct) =>
        festivals.CreateAsync(body, idempotencyKey, ct);

    private static async Task<Ok<FestivalView>> Change(string code, FestivalChange body, FestivalCommands festivals, CancellationToken ct) =>
        TypedResults.Ok(await festivals.ChangeAsync(code, body, ct));

    private static async Task<Ok<FestivalView>> Cancel(string code, FestivalCancel body, Caller caller, FestivalCommands festivals, CancellationToken ct) =>
        TypedResults.Ok(await festivals.CancelAsync(code, body, caller, ct));

    private static async Task<Created<KioskView>> AddKiosk(string code, NewKiosk body, FestivalCommands festivals, CancellationToken ct) =>
        TypedResults.Created($"/api/v1/festivals/{code}", await festivals.AddKioskAsync(code, body, ct));

    private static async Task<Created<KioskView>> AssignDevice(string code, string kiosk, DeviceToKiosk body, FestivalCommands festivals, CancellationToken ct) =>
        TypedResults.Created($"/api/v1/festivals/{code}", await festivals.AssignDeviceAsync(code, kiosk, body, ct));

    private static async Task<Ok<IReadOnlyList<AllocationLine>>> SaveAllocation(string code, List<ParLine?> lines, FestivalCommands festivals, CancellationToken ct) =>
        TypedResults.Ok(await festivals.SaveAllocationAsync(code, lines, ct));

    private static Task<IResult> ReportStopSales(string code, string kiosk, StopSales body, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey,
        Caller caller, FestivalCommands festivals, CancellationToken ct) =>
        festivals.ReportStopSalesAsync(code, kiosk, body, idempotencyKey, caller, ct);

    private static async Task<Ok<List<ReconciledLine>>> PreviewReconciliation(string code, Reconciliation body, FestivalCommands festivals, CancellationToken ct) =>
        TypedResults.Ok(await festivals.PreviewReconciliationAsync(code, body, ct));

    private static Task<IResult> Ship(string code, string brewery, Shipment? body, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey, Caller caller,
        FestivalCommands festivals, CancellationToken ct) =>
        festivals.ShipAsync(code, brewery, body ?? new Shipment(null), idempotencyKey, caller, ct);

    private static Task<IResult> Reconcile(string code, Reconciliation body, FestivalCommands festivals, CancellationToken ct) =>
        festivals.ReconcileAsync(code, body, ct);
}
