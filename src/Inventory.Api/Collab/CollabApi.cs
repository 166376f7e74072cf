using Collab.Brew;
using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inventory.Api.Collab;

/// <summary>The routes of collaboration brews: the lead plans and runs them; brewers of partner breweries read theirs.</summary>
public static class CollabApi
{
    /// <summary>The Collab feature's services: the one way routes, pages and other features reach its data.</summary>
    public static IServiceCollection AddCollab(this IServiceCollection services)
    {
        services.AddSingleton<CollabQueries>();
        services.AddSingleton<CollabCommands>();
        return services;
    }

    public static RouteGroupBuilder MapCollabApi(this RouteGroupBuilder api)
    {
        var brews = api.MapGroup("collab-brews")
            .WithTags("Collab brews")
            .RequireAuthorization(Policies.People)
            .ProducesProblem(StatusCodes.Status404NotFound);
        brews.MapGet("", List)
            .WithName("ListCollabBrews")
            .WithSummary("Collab brews (a brewer sees those its brewery is a partner of)");
        brews.MapGet("{code}", Get)
            .WithName("GetCollabBrew")
            .WithSummary("A collab brew with its partners, contributions and packaging");
        brews.MapGet("{code}/settlement", GetSettlement)
            .WithName("GetCollabSettlement")
            .WithSummary("The split of the output and who owes whom")
            .ProducesProblem(StatusCodes.Status409Conflict);
        brews.MapPost("", Create)
            .WithName("CreateCollabBrew")
            .WithSummary("Plan a collab brew: host, date, volume, recipe, sharing agreement and partners")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status409Conflict);
        brews.MapPost("{code}/contributions", AddContribution)
            .WithName("AddCollabContribution")
            .WithSummary("Record a partner's contribution: cash, ingredients, labour, host fee or design")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status409Conflict);
        brews.MapPost("{code}/status", ChangeStatus)
            .WithName("ChangeCollabStatus")
            .WithSummary("Move along planned → brewed → fermenting → packaged → released → closed")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status409Conflict);
        brews.MapPost("{code}/packaging", Package)
            .WithName("PackageCollabBrew")
            .WithSummary("Record the packaging run: production at the host and transfers to each partner, once")
            .RequireAuthorization(Policies.Lead)
            .Produces<PackagingPosted>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
    }

    private static async Task<Ok<List<CollabBrewView>>> List(Caller caller, CollabQueries collab, CancellationToken ct) =>
        TypedResults.Ok((await collab.VisibleAsync(caller, ct)).Select(b => b.View()).ToList());

    private static async Task<Ok<CollabBrewView>> Get(string code, Caller caller, CollabQueries collab, CancellationToken ct) =>
        TypedResults.Ok((await collab.GetVisibleAsync(code, caller, ct)).View());

    private static async Task<Results<Ok<SettlementView>, ProblemHttpResult>> GetSettlement(string code, Caller caller, CollabQueries collab, CancellationToken ct)
    {
        var brew = await collab.GetVisibleAsync(code, caller, ct);
        return CollabQueries.Settlement(brew) is { } settlement
            ? TypedResults.Ok(settlement)
            : Problems.Conflict("Not packaged yet", $"{code} is {Lifecycle.Name(brew.Status)}: the settlement follows the packaging run");
    }

    private static async Task<Created<CollabBrewView>> Create(NewCollabBrew body, CollabCommands collab, CancellationToken ct)
    {
        var brew = await collab.CreateAsync(body, ct);
        return TypedResults.Created($"/api/v1/collab-brews/{brew.Code}", brew);
    }

    private static async Task<Created<ContributionView>> AddContribution(string code, NewContribution body, CollabCommands collab, CancellationToken ct) =>
        TypedResults.Created($"/api/v1/collab-brews/{code}", await collab.AddContributionAsync(code, body, ct));

    private static async Task<Ok<CollabBrewView>> ChangeStatus(string code, CollabStatusChange body, CollabCommands collab, CancellationToken ct) =>
        TypedResults.Ok(await collab.ChangeStatusAsync(code, body, ct));

    private static Task<IResult> Package(string code, PackagingRequest body, CollabCommands collab, CancellationToken ct) =>
        collab.PackageAsync(code, body, ct);
}
