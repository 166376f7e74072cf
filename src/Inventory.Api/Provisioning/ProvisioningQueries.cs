using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Provisioning;

/// <summary>Which devices were given a broker password from the dashboard, and which were taken back.</summary>
public sealed class ProvisioningQueries(NpgsqlDataSource db)
{
    public async Task<IReadOnlyList<CredentialState>> StatesAsync(CancellationToken ct)
    {
        await using var command = db.Command("SELECT device_id, issued_at, issued_by, revoked_at, revoked_by FROM device_credentials ORDER BY device_id");
        return await command.ListAsync(r => new CredentialState(r.GetString(0), r.IsDBNull(1) ? null : r.GetFieldValue<DateTimeOffset>(1), r.IsDBNull(2) ? null : r.GetString(2),
            r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3), r.IsDBNull(4) ? null : r.GetString(4)), ct);
    }
}
