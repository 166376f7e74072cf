using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inventory.Api.Sales;

/// <summary>The routes of sales by channel: the COOP fridges' week by week, and revenue per brewery and channel.</summary>
public static class SalesApi
{
    /// <summary>The Sales feature's services: the one way routes, pages and other features reach its data.</summary>
    public static IServiceCollection AddSales(this IServiceCollection services)
    {
        services.AddSingleton<SalesQueries>();
        return services;
    }

    public static RouteGroupBuilder MapSalesApi(this RouteGroupBuilder api)
    {
        var sales = api.MapGroup("sales")
            .WithTags("Sales")
            .RequireAuthorization(Policies.People);
        sales.MapGet("fridges", FridgeWeeks)
            .WithName("FridgeSales")
            .WithSummary("Units sold per COOP fridge, brewery and week, from the fridges' shelf counts")
            .ExpensiveRead();
        sales.MapGet("revenue", Revenue)
            .WithName("RevenueByChannel")
            .WithSummary("Units and revenue per brewery and channel (fridge, kiosk, grocery) over a period")
            .ExpensiveRead();
        return api;
    }

    private static async Task<Ok<List<FridgeWeek>>> FridgeWeeks([AsParameters] FridgeWeeksQuery query, Caller caller, SalesQueries sales, TableCalendar calendar,
        CancellationToken ct)
    {
        if (query.From is null) return TypedResults.Ok(await sales.FridgeWeeksAsync(caller, query.Weeks ?? 8, ct));
        var (from, to) = new SalesPeriod(query.From, query.To).Resolve(calendar.Today);
        return TypedResults.Ok(await sales.FridgeWeeksAsync(caller.OnlyBreweryId, from, to, ct));
    }

    private static async Task<Ok<List<ChannelRevenue>>> Revenue([AsParameters] SalesPeriod period, Caller caller, SalesQueries sales, TableCalendar calendar, CancellationToken ct)
    {
        var (from, to) = period.Resolve(calendar.Today);
        return TypedResults.Ok(await sales.RevenueAsync(caller, from, to, ct));
    }
}
