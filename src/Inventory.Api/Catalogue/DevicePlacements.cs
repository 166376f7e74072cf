using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Catalogue;

/// <summary>A device and the place it stood at at one instant.</summary>
public sealed record PlacedDevice(string Id, string Kind, long LocationId, string LocationCode, string LocationKind);

/// <summary>
/// Where a device stood, over time (rule "Figures come from the facts, in event time"): a report goes to where its device stood at the report's
/// <c>ts</c>. On a festival's days, the planner's assignment of the device to a kiosk says where (the Table's
/// dates); otherwise the device's placement history (<c>PUT /api/v1/devices/{id}</c>, from its <c>since</c>).
/// A late report of last weekend's festival lands at last weekend's kiosk, not at this weekend's.
/// </summary>
public static class DevicePlacements
{
    /// <summary>The device and where it stood at <paramref name="at"/>; a 404 for an unknown device, a 422 for one placed nowhere then.</summary>
    public static async Task<PlacedDevice> AtAsync(NpgsqlDataSource db, string deviceId, DateTimeOffset at, CancellationToken ct)
    {
        var (found, placed) = await FindAsync(db, deviceId, at, ct);
        if (!found) throw new DomainProblem(Problems.NotFound("deviceId", $"device {deviceId}"));
        return placed ?? throw new DomainProblem(Problems.Unprocessable("deviceId",
            $"device {deviceId} was not placed at a location at {at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}"));
    }

    /// <summary>Whether the device exists, and where it stood at <paramref name="at"/> (null: nowhere then).</summary>
    public static async Task<(bool Found, PlacedDevice? Placed)> FindAsync(NpgsqlDataSource db, string deviceId, DateTimeOffset at, CancellationToken ct)
    {
        // ($2::timestamptz)::date is the Table's date: the session runs in its zone.
        await using var command = db.Command("""
            SELECT d.kind, l.id, l.code, l.kind
            FROM devices d
            LEFT JOIN LATERAL (
                SELECT coalesce(
                    (SELECT k.location_id FROM device_assignments a JOIN kiosks k ON k.id = a.kiosk_id
                     WHERE a.device_id = d.device_id AND a.during @> ($2::timestamptz)::date LIMIT 1),
                    (SELECT p.location_id FROM device_placements p WHERE p.device_id = d.device_id AND p.since <= $2
                     ORDER BY p.since DESC, p.id DESC LIMIT 1)) AS location_id
            ) placed ON TRUE
            LEFT JOIN locations l ON l.id = placed.location_id
            WHERE d.device_id = $1
            """, deviceId, at.UtcDateTime);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return (false, null);
        return (true, reader.IsDBNull(1) ? null : new PlacedDevice(deviceId, reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3)));
    }

    /// <summary>The device's latest placement, null for a device never placed.</summary>
    public static async Task<(long? LocationId, DateTimeOffset Since)?> CurrentAsync(NpgsqlConnection c, NpgsqlTransaction tx, string deviceId, CancellationToken ct)
    {
        await using var command = c.Command(tx, "SELECT location_id, since FROM device_placements WHERE device_id = $1 ORDER BY since DESC, id DESC LIMIT 1", deviceId);
        var rows = await command.ListAsync(r => (r.IsDBNull(0) ? (long?)null : r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1)), ct);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Where the device stands from <paramref name="since"/> on (<see cref="DateTimeOffset.MinValue"/>: since always).</summary>
    public static async Task AddAsync(NpgsqlConnection c, NpgsqlTransaction tx, string deviceId, long? locationId, DateTimeOffset since, string actor, CancellationToken ct)
    {
        var from = since == DateTimeOffset.MinValue ? DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc) : since.UtcDateTime;
        await using var command = c.Command(tx, "INSERT INTO device_placements (device_id, location_id, since, set_by) VALUES ($1, $2, $3, $4)",
            deviceId, Db.Typed(locationId, NpgsqlTypes.NpgsqlDbType.Bigint), from, actor);
        await command.ExecuteNonQueryAsync(ct);
    }
}
