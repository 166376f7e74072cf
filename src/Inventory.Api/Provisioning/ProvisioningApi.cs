using Inventory.Api.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inventory.Api.Provisioning;

/// <summary>Devices' broker accounts, provisioned by the lead (<see cref="ProvisioningCommands"/>).</summary>
public static class ProvisioningApi
{
    /// <summary>The Provisioning feature's services: the one way routes, pages and other features reach its data.</summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services)
    {
        services.AddOptions<BrokerOptions>().BindConfiguration(BrokerOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<BrokerOptions>, BrokerOptionsValidation>();
        services.AddSingleton<BrokerAccounts>();
        services.AddSingleton<ProvisioningQueries>();
        services.AddSingleton<ProvisioningCommands>();
        return services;
    }

    public static RouteGroupBuilder MapProvisioningApi(this RouteGroupBuilder api)
    {
        var credentials = api.MapGroup("devices/{deviceId}/credentials")
            .WithTags("Devices")
            .RequireAuthorization(Policies.Lead);
        credentials.MapPost("", IssueAsync)
            .WithName("IssueDeviceCredentials")
            .WithSummary("A new broker password for the device (shown once; any earlier one stops working at once)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        credentials.MapDelete("", RevokeAsync)
            .WithName("RevokeDeviceCredentials")
            .WithSummary("Take the device's broker account back: it is disconnected and cannot connect again")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("devices/credentials", async (ProvisioningQueries provisioning, CancellationToken ct) => TypedResults.Ok(await provisioning.StatesAsync(ct)))
            .WithTags("Devices")
            .RequireAuthorization(Policies.Lead)
            .WithName("ListDeviceCredentials")
            .WithSummary("Which devices were given a broker password from here, when and by whom, and which were taken back");
        return api;
    }

    private static async Task<Created<DeviceCredentials>> IssueAsync(string deviceId, ProvisioningCommands provisioning, Caller caller, HttpContext http,
        CancellationToken ct)
    {
        Dashboard.Compression.Refuse(http); // the answer holds the password beside the id the caller typed (BREACH)
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/api/v1/devices/{deviceId}", await provisioning.IssueAsync(deviceId, caller, ct));
    }

    private static async Task<NoContent> RevokeAsync(string deviceId, ProvisioningCommands provisioning, Caller caller, CancellationToken ct)
    {
        await provisioning.RevokeAsync(deviceId, caller, ct);
        return TypedResults.NoContent();
    }
}
