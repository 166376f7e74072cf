using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Alerts;

/// <summary>Alerts as people read them: the fleet's telemetry is shared, so every person sees every alert (docs/security.md).</summary>
public sealed class AlertQueries(NpgsqlDataSource db, TimeProvider time)
{
    private const string Select = """
        SELECT a.id, a.device_id, l.code, l.name, a.type, a.raised_at, a.cleared_at, a.peak_value, a.detail,
               a.acknowledged_by, a.acknowledged_at, a.acknowledgement_note, a.escalated_at
        FROM alerts a LEFT JOIN locations l ON l.id = a.location_id
        """;

    public async Task<List<AlertView>> ListAsync(AlertFilter filter, CancellationToken ct)
    {
        await using var command = db.CreateCommand();
        var where = new SqlConditions(command)
            .Add("a.device_id = {0}", filter.Device, NpgsqlTypes.NpgsqlDbType.Text);
        if (filter.Open == true) where.Add("a.cleared_at IS NULL");
        command.CommandText = $"{Select} WHERE {where} ORDER BY a.raised_at DESC, a.id DESC LIMIT {filter.Limit ?? 100}";
        return await command.ListAsync(Read, ct);
    }

    public async Task<AlertView?> FindAsync(long id, CancellationToken ct)
    {
        await using var command = db.Command($"{Select} WHERE a.id = $1", id);
        return (await command.ListAsync(Read, ct)).SingleOrDefault();
    }

    /// <summary>
    /// The alerts (of those whose ids are $1) at whose place a beer of the brewery $2 stood when the alert was raised, by
    /// the ledger in event time: a brewer who brings a can there afterwards has not made the alert its own.
    /// </summary>
    private static readonly string StoodThereWhenRaised = $"""
        SELECT a.id FROM alerts a
        JOIN movements m ON a.location_id IN (m.to_location_id, m.from_location_id) AND m.occurred_at <= a.raised_at
        JOIN beers b ON b.sku = m.sku
        WHERE a.id = ANY($1) AND {Visibility.BeerOf("$2")}
        GROUP BY a.id, m.sku HAVING sum(CASE WHEN m.to_location_id = a.location_id THEN m.units ELSE -m.units END) > 0
        """;

    /// <summary>Whether a beer of the brewery stood where the alert was raised, when it was (the brewer may acknowledge it).</summary>
    public async Task<bool> ConcernsAsync(long alertId, long breweryId, CancellationToken ct) =>
        (await ConcerningAsync([alertId], breweryId, ct)).Count > 0;

    /// <summary>Of the given alerts, those where a beer of the brewery stood when they were raised (the ones its brewer may acknowledge).</summary>
    public async Task<HashSet<long>> ConcerningAsync(IReadOnlyCollection<long> alertIds, long breweryId, CancellationToken ct)
    {
        await using var command = db.Command($"SELECT DISTINCT id FROM ({StoodThereWhenRaised}) stood", alertIds.ToArray(), breweryId);
        return [.. await command.ListAsync(r => r.GetInt64(0), ct)];
    }

    private AlertView Read(NpgsqlDataReader r)
    {
        var raised = r.GetFieldValue<DateTimeOffset>(5);
        DateTimeOffset? cleared = r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6);
        // An open alert has lasted until now so far.
        var duration = ((cleared ?? time.GetUtcNow()) - raised).TotalMinutes;
        return new AlertView(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
            raised, cleared, Math.Round(duration, 1), r.IsDBNull(7) ? null : r.GetDouble(7), r.GetString(8),
            r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10), r.IsDBNull(11) ? null : r.GetString(11),
            r.IsDBNull(12) ? null : r.GetFieldValue<DateTimeOffset>(12));
    }
}
