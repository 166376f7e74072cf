using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Inventory.Api.DeviceReports;

/// <summary>The routes the gateway posts device reports to (role gateway), once per <c>Idempotency-Key: {deviceId}:{seq}</c>.</summary>
public static class DeviceReportsApi
{
    /// <summary>The DeviceReports feature's services: the one way routes, pages and other features reach its data.</summary>
    public static IServiceCollection AddDeviceReports(this IServiceCollection services)
    {
        services.AddSingleton<DeviceReportCommands>();
        return services;
    }

    public static RouteGroupBuilder MapDeviceReportsApi(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("device-reports")
            .WithTags("Device reports")
            .RequireAuthorization(Policies.Gateway)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        reports.MapPost("sales", PostSale)
            .WithName("PostDeviceSale")
            .WithSummary("A kiosk's sale (from the gateway)")
            .Produces<SaleRecorded>(StatusCodes.Status201Created);
        reports.MapPost("stock-counts", PostStockCount)
            .WithName("PostDeviceStockCount")
            .WithSummary("A fridge's or kiosk's shelf count (from the gateway)")
            .Produces<CountReconciled>(StatusCodes.Status201Created);
        return api;
    }

    private static async Task<IResult> PostSale(SaleReport body, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey, DeviceReportCommands reports, CancellationToken ct) =>
        DeviceReport.RequireKey(idempotencyKey, body.DeviceId, body.Seq) is { IsValid: false } key ? key.Problem() : await reports.RecordSaleAsync(body, ct);

    private static async Task<IResult> PostStockCount(StockCountReport body, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey, DeviceReportCommands reports, CancellationToken ct) =>
        DeviceReport.RequireKey(idempotencyKey, body.DeviceId, body.Seq) is { IsValid: false } key ? key.Problem() : await reports.ReconcileCountAsync(body, ct);
}
