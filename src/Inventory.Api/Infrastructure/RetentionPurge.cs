using Microsoft.Extensions.Options;
using Npgsql;

namespace Inventory.Api.Infrastructure;

/// <summary>How long what the platform keeps only for a while is kept (<c>Retention__*</c>).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Idempotency keys: a replay older than this would count again; nothing holds a report that long.</summary>
    public TimeSpan IdempotencyKeys { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Sessions, after they expired or were ended: what is left of a sign-in once it can no longer be used.</summary>
    public TimeSpan EndedSessions { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Notifications sent or given up (with their events): a person's inbox has them, the outbox need not.</summary>
    public TimeSpan Notifications { get; set; } = TimeSpan.FromDays(180);

    /// <summary>Cleared alerts (two years of food-safety history); an alert a decision about exposed beer rests on is kept.</summary>
    public TimeSpan ClearedAlerts { get; set; } = TimeSpan.FromDays(730);

    public IEnumerable<string> Errors()
    {
        // A key forgotten while a gateway's spool may still replay its report would count that report twice.
        if (IdempotencyKeys < TimeSpan.FromDays(30)) yield return "Retention__IdempotencyKeys must be at least 30 days";
        if (EndedSessions < TimeSpan.FromDays(1)) yield return "Retention__EndedSessions must be at least a day";
        if (Notifications < TimeSpan.FromDays(7)) yield return "Retention__Notifications must be at least 7 days";
        if (ClearedAlerts < TimeSpan.FromDays(365)) yield return "Retention__ClearedAlerts must be at least a year (the temperature log's history)";
    }
}

public sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions o) =>
        o.Errors().ToList() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}

/// <summary>What one pass of the purge removed.</summary>
public sealed record Purged(int IdempotencyKeys, int Sessions, int NotificationDeliveries, int NotificationEvents, int Alerts);

/// <summary>
/// Forgets, hourly, what is past its retention (<see cref="RetentionOptions"/>): every device report adds an
/// idempotency key, every sign-in a session, every alert and low stock an event and its deliveries, so each of these
/// tables would grow for ever. Several replicas may run it at once: each deletes what is there.
/// </summary>
public sealed class RetentionPurge(NpgsqlDataSource db, IOptions<RetentionOptions> options, ILogger<RetentionPurge> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    /// <summary>Deletes what is past retention; says how many rows of each went.</summary>
    public async Task<Purged> PurgeAsync(CancellationToken ct)
    {
        var o = options.Value;
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        async Task<int> Run(string sql, TimeSpan retention)
        {
            await using var command = c.Command(tx, sql, retention);
            return await command.ExecuteNonQueryAsync(ct);
        }
        var keys = await Run("DELETE FROM idempotency_keys WHERE created_at < now() - $1", o.IdempotencyKeys);
        var sessions = await Run("DELETE FROM user_sessions WHERE least(revoked_at, expires_at) < now() - $1", o.EndedSessions);
        var deliveries = await Run("""
            DELETE FROM notification_deliveries
            WHERE (sent_at IS NOT NULL OR abandoned_reason IS NOT NULL) AND coalesce(sent_at, next_attempt_at, due_at) < now() - $1
            """, o.Notifications);
        // An old alert goes with its events; an event goes once nothing waits to be sent for it.
        var alerts = await Run("""
            WITH old AS (
                SELECT a.id FROM alerts a
                WHERE a.cleared_at < now() - $1
                  AND NOT EXISTS (SELECT 1 FROM stock_exposures x WHERE x.alert_id = a.id)
                  AND NOT EXISTS (SELECT 1 FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id WHERE e.alert_id = a.id)),
            events AS (DELETE FROM notification_events e USING old WHERE e.alert_id = old.id)
            DELETE FROM alerts a USING old WHERE a.id = old.id
            """, o.ClearedAlerts);
        var events = await Run("""
            DELETE FROM notification_events e
            WHERE e.fanned_out_at < now() - $1 AND NOT EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.event_id = e.id)
              AND (e.alert_id IS NULL OR EXISTS (SELECT 1 FROM alerts a WHERE a.id = e.alert_id AND a.cleared_at IS NOT NULL))
            """, o.Notifications);
        await tx.CommitAsync(ct);
        return new Purged(keys, sessions, deliveries, events, alerts);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        do
        {
            try
            {
                var purged = await PurgeAsync(stoppingToken);
                if (purged != new Purged(0, 0, 0, 0, 0)) logger.LogInformation("Purged what was past retention: {Purged}", purged);
            }
            catch (NpgsqlException e)
            {
                logger.LogWarning("Nothing purged this time: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
