using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Inventory.Api.Alerts;

/// <summary>The routes of the alert history: the gateway's transitions in, people's reading and acknowledging.</summary>
public static class AlertsApi
{
    /// <summary>The Alerts feature's services: the one way routes, pages and other features reach its data.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddSingleton<AlertCommands>();
        services.AddSingleton<AlertQueries>();
        return services;
    }

    public static RouteGroupBuilder MapAlertsApi(this RouteGroupBuilder api)
    {
        api.MapPost("device-reports/alerts", PostAlert)
            .WithTags("Device reports")
            .RequireAuthorization(Policies.Gateway)
            .WithName("PostDeviceAlert")
            .WithSummary("An alert raised or cleared (from the gateway), once per Idempotency-Key")
            .Produces<AlertRecorded>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        var alerts = api.MapGroup("alerts")
            .WithTags("Alerts")
            .RequireAuthorization(Policies.People);
        alerts.MapGet("", List)
            .WithName("ListAlerts")
            .WithSummary("Alerts newest first (open=true: those not cleared), with duration, peak and acknowledgement");
        alerts.MapPost("{id:long}/acknowledgement", Acknowledge)
            .WithName("AcknowledgeAlert")
            .WithSummary("Say the alert was seen, with a note (the lead: any; a brewer: where its beer stands)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return api;
    }

    private static async Task<IResult> PostAlert(AlertReport body, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey, AlertCommands alerts, CancellationToken ct) =>
        body.RequireKey(idempotencyKey) is { IsValid: false } key ? key.Problem() : await alerts.RecordAsync(body, idempotencyKey!, ct);

    private static async Task<Ok<List<AlertView>>> List([AsParameters] AlertFilter filter, AlertQueries alerts, CancellationToken ct) =>
        TypedResults.Ok(await alerts.ListAsync(filter, ct));

    private static async Task<Ok<AlertView>> Acknowledge(long id, Acknowledgement body, Caller caller, AlertCommands alerts, AlertQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await alerts.AcknowledgeAsync(id, body, caller, queries, ct));
}
