using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Alerts;

/// <summary>
/// The alert history: the gateway's transitions recorded once each, a raise writing its
/// notification event in the same transaction (the outbox), and people acknowledging what they saw.
/// </summary>
public sealed class AlertCommands(NpgsqlDataSource db, TimeProvider time)
{
    private const string Scope = "device-report";

    public async Task<IResult> RecordAsync(AlertReport report, string idempotencyKey, CancellationToken ct)
    {
        // The alert belongs to where the device stood when it started (a kiosk between festivals: to the one it was at).
        var (found, placed) = await DevicePlacements.FindAsync(db, report.DeviceId!, report.StartedAt!.Value, ct);
        if (!found) return Problems.NotFound("deviceId", $"device {report.DeviceId}");
        var location = placed?.LocationId;
        var (type, started, at) = (report.Type!, report.StartedAt!.Value.UtcDateTime, report.At!.Value.UtcDateTime);

        return await Idempotency.RunAsync(db, Scope, idempotencyKey, report, async (c, tx, token) =>
        {
            long id;
            if (report.State == "raised")
            {
                // An older alert of the type still open lost its clear: it ends where this one begins.
                await using var close = c.Command(tx, "UPDATE alerts SET cleared_at = $3 WHERE device_id = $1 AND type = $2 AND cleared_at IS NULL AND raised_at < $3",
                    report.DeviceId, type, started);
                await close.ExecuteNonQueryAsync(token);
                // Arriving after a newer one (out of order), it is recorded as ended where the newer began.
                await using var insert = c.Command(tx, """
                    INSERT INTO alerts (device_id, location_id, type, raised_at, peak_value, detail, cleared_at)
                    VALUES ($1, $2, $3, $4, $5, $6, (SELECT raised_at FROM alerts WHERE device_id = $1 AND type = $3 AND cleared_at IS NULL AND raised_at > $4))
                    ON CONFLICT (device_id, type, raised_at) DO NOTHING
                    RETURNING id, cleared_at IS NULL
                    """,
                    /* $1 */ report.DeviceId,
                    /* $2 */ Db.Typed(location, NpgsqlTypes.NpgsqlDbType.Bigint),
                    /* $3 */ type,
                    /* $4 */ started,
                    /* $5 */ report.Peak,
                    /* $6 */ report.Detail ?? "");
                var inserted = await insert.ListAsync(r => (Id: r.GetInt64(0), Open: r.GetBoolean(1)), token);
                if (inserted.Count == 1)
                {
                    id = inserted[0].Id;
                    if (inserted[0].Open) await NoteAsync(c, tx, "alert_raised", id, token);
                }
                else id = await IdAsync(c, tx, report.DeviceId!, type, started, token);
            }
            else
            {
                // The clear is the fact; an end set before it (a newer alert of the type arrived first and closed this one
                // where it began, the gateway's reports crossing on the way) is an inference, later than the clear: the
                // earlier stands, whatever order the two arrive in (rule "Figures come from the facts, in event time").
                await using var clear = c.Command(tx, """
                    INSERT INTO alerts (device_id, location_id, type, raised_at, cleared_at, peak_value, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)
                    ON CONFLICT (device_id, type, raised_at) DO UPDATE SET cleared_at = least(alerts.cleared_at, EXCLUDED.cleared_at),
                        peak_value = coalesce(EXCLUDED.peak_value, alerts.peak_value)
                    RETURNING id
                    """,
                    /* $1 */ report.DeviceId,
                    /* $2 */ Db.Typed(location, NpgsqlTypes.NpgsqlDbType.Bigint),
                    /* $3 */ type,
                    /* $4 */ started,
                    /* $5 */ at,
                    /* $6 */ report.Peak,
                    /* $7 */ report.Detail ?? "");
                id = (long)(await clear.ExecuteScalarAsync(token))!;
            }
            return (StatusCodes.Status201Created, new AlertRecorded(id, report.DeviceId!, type, report.State!));
        }, ct);
    }

    /// <summary>Acknowledges an open or past alert once (a second acknowledgement keeps the first); the lead any, a brewer those where its beer stands.</summary>
    public async Task<AlertView> AcknowledgeAsync(long id, Acknowledgement body, Caller caller, AlertQueries queries, CancellationToken ct)
    {
        var alert = await queries.FindAsync(id, ct) ?? throw new DomainProblem(Problems.NotFound("alert", $"alert {id}"));
        if (!caller.IsLead && !await queries.ConcernsAsync(id, caller.OnlyBreweryId!.Value, ct))
            throw new DomainProblem(Problems.Forbidden("a brewer acknowledges the alerts of places that hold its beer"));
        await using var command = db.Command("""
            UPDATE alerts SET acknowledged_by = $2, acknowledged_at = $3, acknowledgement_note = $4 WHERE id = $1 AND acknowledged_at IS NULL
            """, id, caller.Name, time.GetUtcNow().UtcDateTime, body.Note?.Trim() is { Length: > 0 } note ? note : null);
        await command.ExecuteNonQueryAsync(ct);
        return (await queries.FindAsync(alert.Id, ct))!;
    }

    /// <summary>Writes a notification event in the transaction of what caused it (the outbox).</summary>
    public static async Task NoteAsync(NpgsqlConnection c, NpgsqlTransaction tx, string kind, long alertId, CancellationToken ct)
    {
        await using var note = c.Command(tx, "INSERT INTO notification_events (kind, alert_id) VALUES ($1, $2)", kind, alertId);
        await note.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> IdAsync(NpgsqlConnection c, NpgsqlTransaction tx, string device, string type, DateTime raisedAt, CancellationToken ct)
    {
        await using var command = c.Command(tx, "SELECT id FROM alerts WHERE device_id = $1 AND type = $2 AND raised_at = $3", device, type, raisedAt);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
