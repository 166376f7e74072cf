using System.Security.Cryptography;
using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Inventory.Api.Provisioning;

/// <summary>What a device needs to connect, shown once: the broker keeps only the password's hash.</summary>
public sealed record DeviceCredentials(string DeviceId, string Username, string Password, string Host, int Port, bool Tls,
    IReadOnlyList<string> PublishTopics, string AlertTopics, string Config);

/// <summary>Whether a device has a broker account the dashboard gave it.</summary>
public sealed record CredentialState(string DeviceId, DateTimeOffset? IssuedAt, string? IssuedBy, DateTimeOffset? RevokedAt, string? RevokedBy);

/// <summary>
/// The lead provisions a device from the dashboard: a new password (shown once, with the device's whole
/// configuration) that replaces any earlier one and disconnects whoever used it; or the account taken back.
/// A stolen fridge is cut off here, without a shell on the broker.
/// </summary>
public static class ProvisioningApi
{
    public static RouteGroupBuilder MapProvisioningApi(this RouteGroupBuilder api)
    {
        var credentials = api.MapGroup("devices/{deviceId}/credentials").WithTags("Devices").RequireAuthorization(Policies.Lead);
        credentials.MapPost("", IssueAsync).WithName("IssueDeviceCredentials")
            .WithSummary("A new broker password for the device (shown once; any earlier one stops working at once)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        credentials.MapDelete("", RevokeAsync).WithName("RevokeDeviceCredentials")
            .WithSummary("Take the device's broker account back: it is disconnected and cannot connect again")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("devices/credentials", async (NpgsqlDataSource db, CancellationToken ct) => TypedResults.Ok(await StatesAsync(db, ct)))
            .WithTags("Devices").RequireAuthorization(Policies.Lead).WithName("ListDeviceCredentials")
            .WithSummary("Which devices were given a broker password from here, when and by whom, and which were taken back");
        return api;
    }

    private static async Task<Results<Created<DeviceCredentials>, ProblemHttpResult>> IssueAsync(string deviceId, BrokerAccounts broker, IOptions<BrokerOptions> options,
        NpgsqlDataSource db, Caller caller, HttpContext http, TimeProvider time, ILogger<BrokerAccounts> log, CancellationToken ct)
    {
        if (await RefusedAsync(deviceId, options.Value, db, ct) is { } refused) return refused;
        Dashboard.Compression.Refuse(http); // the answer holds the password beside the id the caller typed (BREACH)
        http.Response.Headers.CacheControl = "no-store";
        // 24 random bytes: 32 characters a person can copy, nothing to guess.
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        try { await broker.SetPasswordAsync(deviceId, password, ct); }
        catch (BrokerRefusedException e) { return Unreachable(e); }
        await using (var command = db.Command("""
            INSERT INTO device_credentials (device_id, issued_at, issued_by) VALUES ($1, $2, $3)
            ON CONFLICT (device_id) DO UPDATE SET issued_at = excluded.issued_at, issued_by = excluded.issued_by, revoked_at = NULL, revoked_by = NULL
            """, deviceId, time.GetUtcNow(), caller.Name))
            await command.ExecuteNonQueryAsync(ct);
        log.LogInformation("Broker password for {DeviceId} issued by {Caller}", deviceId, caller.Name);
        var o = options.Value;
        return TypedResults.Created($"/api/v1/devices/{deviceId}", new DeviceCredentials(deviceId, deviceId, password, o.DeviceHost!, o.DevicePort, o.DeviceTls,
            BrokerAccounts.PublishTopics(deviceId), BrokerAccounts.AlertTopics(deviceId), Config(deviceId, password, o)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string deviceId, BrokerAccounts broker, IOptions<BrokerOptions> options,
        NpgsqlDataSource db, Caller caller, TimeProvider time, ILogger<BrokerAccounts> log, CancellationToken ct)
    {
        if (await RefusedAsync(deviceId, options.Value, db, ct) is { } refused) return refused;
        try { await broker.RemoveAsync(deviceId, ct); }
        catch (BrokerRefusedException e) { return Unreachable(e); }
        await using (var command = db.Command("""
            INSERT INTO device_credentials (device_id, issued_at, issued_by, revoked_at, revoked_by) VALUES ($1, NULL, NULL, $2, $3)
            ON CONFLICT (device_id) DO UPDATE SET revoked_at = excluded.revoked_at, revoked_by = excluded.revoked_by
            """, deviceId, time.GetUtcNow(), caller.Name))
            await command.ExecuteNonQueryAsync(ct);
        log.LogWarning("Broker account of {DeviceId} taken back by {Caller}", deviceId, caller.Name);
        return TypedResults.NoContent();
    }

    public static async Task<IReadOnlyList<CredentialState>> StatesAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.Command("SELECT device_id, issued_at, issued_by, revoked_at, revoked_by FROM device_credentials ORDER BY device_id");
        return await command.ListAsync(r => new CredentialState(r.GetString(0), r.IsDBNull(1) ? null : r.GetFieldValue<DateTimeOffset>(1), r.IsDBNull(2) ? null : r.GetString(2),
            r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3), r.IsDBNull(4) ? null : r.GetString(4)), ct);
    }

    /// <summary>The firmware's configuration, ready to paste (the simulator reads the same shape).</summary>
    private static string Config(string deviceId, string password, BrokerOptions o) => System.Text.Json.JsonSerializer.Serialize(new
    {
        mqtt = new { host = o.DeviceHost, port = o.DevicePort, tls = o.DeviceTls, clientId = deviceId, username = deviceId, password, protocol = "5.0", qos = 1 },
        topicPrefix = "coop/v1",
        deviceId,
    }, new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

    private static async Task<ProblemHttpResult?> RefusedAsync(string deviceId, BrokerOptions options, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!Patterns.DeviceId().IsMatch(deviceId)) return Problems.NotFound("deviceId", $"device {deviceId}");
        await using var command = db.Command("SELECT 1 FROM devices WHERE device_id = $1", deviceId);
        if (await command.ExecuteScalarAsync(ct) is null) return Problems.NotFound("deviceId", $"device {deviceId}");
        return options.Enabled ? null
            : TypedResults.Problem(title: "Provisioning is not configured", detail: "the API has no broker to provision devices in (Broker:ControlHost); use deploy/provision-devices", statusCode: 503);
    }

    private static ProblemHttpResult Unreachable(BrokerRefusedException e) =>
        TypedResults.Problem(title: "The broker refused", detail: e.Message, statusCode: 502);
}
