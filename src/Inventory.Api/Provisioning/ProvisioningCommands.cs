using System.Security.Cryptography;
using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Inventory.Api.Provisioning;

/// <summary>
/// The lead provisions a device: a new broker password (with the device's whole configuration) that replaces any
/// earlier one and disconnects whoever used it; or the account taken back. A stolen fridge is cut off here, without
/// a shell on the broker. Refusals are problems: 404 for an unknown device, 503 without a broker, 502 when it refuses.
/// </summary>
public sealed class ProvisioningCommands(NpgsqlDataSource db, BrokerAccounts broker, IOptions<BrokerOptions> options, TimeProvider time,
    ILogger<BrokerAccounts> log)
{
    public async Task<DeviceCredentials> IssueAsync(string deviceId, Caller caller, CancellationToken ct)
    {
        await RefuseUnlessProvisionableAsync(deviceId, ct);
        // 24 random bytes: 32 characters a person can copy, nothing to guess.
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        await BrokerAsync(() => broker.SetPasswordAsync(deviceId, password, ct));
        await using (var command = db.Command("""
            INSERT INTO device_credentials (device_id, issued_at, issued_by) VALUES ($1, $2, $3)
            ON CONFLICT (device_id) DO UPDATE SET issued_at = excluded.issued_at, issued_by = excluded.issued_by, revoked_at = NULL, revoked_by = NULL
            """, deviceId, time.GetUtcNow(), caller.Name))
            await command.ExecuteNonQueryAsync(ct);
        log.LogInformation("Broker password for {DeviceId} issued by {Caller}", deviceId, caller.Name);
        var o = options.Value;
        return new DeviceCredentials(deviceId, deviceId, password, o.DeviceHost!, o.DevicePort, o.DeviceTls,
            BrokerAccounts.PublishTopics(deviceId), BrokerAccounts.AlertTopics(deviceId), Config(deviceId, password, o));
    }

    public async Task RevokeAsync(string deviceId, Caller caller, CancellationToken ct)
    {
        await RefuseUnlessProvisionableAsync(deviceId, ct);
        await BrokerAsync(() => broker.RemoveAsync(deviceId, ct));
        await using (var command = db.Command("""
            INSERT INTO device_credentials (device_id, issued_at, issued_by, revoked_at, revoked_by) VALUES ($1, NULL, NULL, $2, $3)
            ON CONFLICT (device_id) DO UPDATE SET revoked_at = excluded.revoked_at, revoked_by = excluded.revoked_by
            """, deviceId, time.GetUtcNow(), caller.Name))
            await command.ExecuteNonQueryAsync(ct);
        log.LogWarning("Broker account of {DeviceId} taken back by {Caller}", deviceId, caller.Name);
    }

    /// <summary>The firmware's configuration, ready to paste (the simulator reads the same shape).</summary>
    private static string Config(string deviceId, string password, BrokerOptions o) => System.Text.Json.JsonSerializer.Serialize(new
    {
        mqtt = new { host = o.DeviceHost, port = o.DevicePort, tls = o.DeviceTls, clientId = deviceId, username = deviceId, password, protocol = "5.0", qos = 1 },
        topicPrefix = "coop/v1",
        deviceId,
    }, new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

    private async Task RefuseUnlessProvisionableAsync(string deviceId, CancellationToken ct)
    {
        if (!Patterns.DeviceId().IsMatch(deviceId)) throw new DomainProblem(Problems.NotFound("deviceId", $"device {deviceId}"));
        await using var command = db.Command("SELECT 1 FROM devices WHERE device_id = $1", deviceId);
        if (await command.ExecuteScalarAsync(ct) is null) throw new DomainProblem(Problems.NotFound("deviceId", $"device {deviceId}"));
        if (!options.Value.Enabled)
            throw new DomainProblem(TypedResults.Problem(title: "Provisioning is not configured",
                detail: "the API has no broker to provision devices in (Broker:ControlHost); use deploy/provision-devices", statusCode: 503));
    }

    private static async Task BrokerAsync(Func<Task> call)
    {
        try { await call(); }
        catch (BrokerRefusedException e) { throw new DomainProblem(TypedResults.Problem(title: "The broker refused", detail: e.Message, statusCode: 502)); }
    }
}
