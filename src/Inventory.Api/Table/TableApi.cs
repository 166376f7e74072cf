using Inventory.Api.Auth;
using Inventory.Api.FridgeStatus;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inventory.Api.Table;

/// <summary>
/// The routes of the Table's own life: membership over time and its admission rules, the COOP fridges
/// as funded assets, and the report to the funder of the pooling grant.
/// </summary>
public static class TableApi
{
    /// <summary>The Table feature's services: the one way routes, pages and other features reach its data.</summary>
    public static IServiceCollection AddTable(this IServiceCollection services)
    {
        services.AddSingleton<MembershipQueries>();
        services.AddSingleton<MembershipCommands>();
        services.AddScoped<FridgeAssets>();      // scoped: they hold the InfluxDB typed client, whose handler rotates
        services.AddScoped<FunderReports>();
        return services;
    }

    public static RouteGroupBuilder MapTableApi(this RouteGroupBuilder api)
    {
        var table = api.MapGroup("table")
            .WithTags("The Table")
            .RequireAuthorization(Policies.People);
        table.MapGet("members", Members)
            .WithName("ListMembers")
            .WithSummary("Every brewery with its status today and its membership history");
        table.MapPost("members/{brewery}/status", ChangeStatus)
            .WithName("ChangeMembership")
            .WithSummary("A brewery's status with the Table from a date on")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status404NotFound);
        table.MapGet("admission-rules", Rules)
            .WithName("ListAdmissionRules")
            .WithSummary("The admission rules the Table adopted, oldest first");
        table.MapPost("admission-rules", AddRule)
            .WithName("AddAdmissionRule")
            .WithSummary("Record an admission rule the Table adopted")
            .RequireAuthorization(Policies.Lead);
        table.MapGet("assets", Assets)
            .WithName("ListFridgeAssets")
            .WithSummary("The bought COOP fridges and where each stands today")
            .RequireAuthorization(Policies.Lead);
        table.MapPost("assets", AddAsset)
            .WithName("AddFridgeAsset")
            .WithSummary("Register a bought COOP fridge (serial, model, cost, funding, its device)")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        table.MapPost("assets/{serial}/placements", PlaceAsset)
            .WithName("PlaceFridgeAsset")
            .WithSummary("Place a bought fridge at a location for a period")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        table.MapGet("assets/{serial}/figures", Figures)
            .WithName("FridgeAssetFigures")
            .WithSummary("Days placed vs owned, reporting, temperature compliance, units sold")
            .ExpensiveRead()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        table.MapGet("funder-report", FunderReport)
            .WithName("FunderReport")
            .WithSummary("The grant report for a period (format=csv for a spreadsheet)")
            .ExpensiveRead()
            .RequireAuthorization(Policies.Lead)
            .Produces<FunderReport>(StatusCodes.Status200OK, "application/json", "text/csv");
        return api;
    }

    private static async Task<Ok<List<MemberView>>> Members(MembershipQueries membership, CancellationToken ct) =>
        TypedResults.Ok(await membership.MembersAsync(ct));

    private static async Task<Ok<MemberView>> ChangeStatus(string brewery, StatusChange body, MembershipCommands membership, CancellationToken ct) =>
        TypedResults.Ok(await membership.ChangeStatusAsync(brewery, body, ct));

    private static async Task<Ok<List<Rule>>> Rules(MembershipQueries membership, CancellationToken ct) =>
        TypedResults.Ok(await membership.RulesAsync(ct));

    private static async Task<Created<Rule>> AddRule(NewRule body, MembershipCommands membership, CancellationToken ct)
    {
        var rule = await membership.AddRuleAsync(body, ct);
        return TypedResults.Created($"/api/v1/table/admission-rules/{rule.Id}", rule);
    }

    private static async Task<Ok<List<AssetView>>> Assets(FridgeAssets assets, TableCalendar calendar, CancellationToken ct) =>
        TypedResults.Ok(await assets.ListAsync(calendar.Today, ct));

    private static async Task<Created<NewAsset>> AddAsset(NewAsset body, FridgeAssets assets, CancellationToken ct) =>
        TypedResults.Created($"/api/v1/table/assets/{body.Serial}", await assets.RegisterAsync(body, ct));

    private static async Task<Created<NewAssetPlacement>> PlaceAsset(string serial, NewAssetPlacement body, FridgeAssets assets, CancellationToken ct) =>
        TypedResults.Created($"/api/v1/table/assets/{serial}", await assets.PlaceAsync(serial, body, ct));

    private static async Task<Results<Ok<AssetFigures>, ProblemHttpResult>> Figures(string serial, [AsParameters] FiguresPeriod period, FridgeAssets assets, TableCalendar calendar, CancellationToken ct)
    {
        var (start, end) = period.Resolve(calendar.Today);
        try
        {
            return await assets.FiguresAsync(serial, start, end, ct) is { } figures ? TypedResults.Ok(figures) : Problems.NotFound("serial", $"asset {serial}");
        }
        catch (TelemetryUnavailableException e) { return TypedResults.Problem(title: "Telemetry unavailable", detail: e.Message, statusCode: 503); }
    }

    private static async Task<Results<Ok<FunderReport>, FileContentHttpResult>> FunderReport([AsParameters] ReportPeriod period, FunderReports reports, CancellationToken ct)
    {
        var report = await reports.BuildAsync(period.From!.Value, period.To!.Value, ct);
        if (period.Format != "csv") return TypedResults.Ok(report);
        return TypedResults.File(FunderReports.SalesCsv(report).ToUtf8(), "text/csv; charset=utf-8", $"rapport-bailleur-{report.From:yyyyMMdd}-{report.To:yyyyMMdd}.csv");
    }
}
