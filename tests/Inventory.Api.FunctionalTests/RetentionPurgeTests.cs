using Inventory.Api.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Inventory.Api.FunctionalTests;

/// <summary>What is kept only for a while goes when its retention is past, and nothing younger or still needed goes with it.</summary>
public sealed class RetentionPurgeTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Keys_sessions_notifications_and_cleared_alerts_past_retention_are_purged_and_the_rest_kept()
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync("/api/v1/devices/fridge-purge-01", new { kind = "fridge", location = "frigo-coop-01" })).StatusCode);
        await using (var seed = new NpgsqlCommand("""
            INSERT INTO idempotency_keys (scope, key, request_hash, status_code, created_at) VALUES
                ('device-report', 'fridge-old-01:1', '\x00', 201, now() - interval '91 days'),
                ('device-report', 'fridge-new-01:1', '\x00', 201, now() - interval '89 days');
            INSERT INTO user_sessions (id_hash, user_id, created_at, expires_at, revoked_at)
            SELECT h, u.id, c, e, r FROM users u, (VALUES
                ('\x01'::bytea, now() - interval '40 days', now() - interval '39 days', NULL::timestamptz),   -- expired 39 days ago
                ('\x02'::bytea, now() - interval '40 days', now() + interval '1 day', now() - interval '31 days'), -- ended 31 days ago
                ('\x03'::bytea, now() - interval '20 days', now() - interval '19 days', NULL)) AS s (h, c, e, r)  -- expired 19 days ago
            WHERE u.username = 'lea';
            INSERT INTO alerts (device_id, type, raised_at, cleared_at, detail) VALUES
                ('fridge-purge-01', 'door_open_too_long', now() - interval '800 days', now() - interval '799 days', 'old'),
                ('fridge-purge-01', 'power_lost', now() - interval '800 days', now() - interval '799 days', 'old, an exposure rests on it'),
                ('fridge-purge-01', 'temperature_high', now() - interval '800 days', now() - interval '700 days', 'cleared within two years'),
                ('fridge-purge-01', 'offline', now() - interval '800 days', NULL, 'still open');
            INSERT INTO stock_exposures (alert_id, sku, location_id, lot_code, units, found_at)
            SELECT a.id, 'STFUT-BLONDE-355', l.id, '', 3, a.cleared_at FROM alerts a, locations l WHERE a.detail LIKE '%exposure%' AND l.code = 'frigo-coop-01';
            INSERT INTO notification_events (kind, alert_id, created_at, fanned_out_at)
            SELECT 'alert_raised', id, raised_at, raised_at FROM alerts WHERE device_id = 'fridge-purge-01';
            INSERT INTO notification_events (kind, sku, location_id, units, par_units, created_at, fanned_out_at)
            SELECT 'low_stock', 'STFUT-BLONDE-355', l.id, 1, 2, now() - d, now() - d FROM locations l, (VALUES (interval '200 days'), (interval '100 days')) AS v (d)
            WHERE l.code = 'frigo-coop-01';
            INSERT INTO notification_deliveries (event_id, user_id, channel, destination, subject, body, due_at, next_attempt_at, sent_at, abandoned_reason)
            SELECT e.id, u.id, 'email', 'lea-' || e.id || '@purge.test', 's', 'b', e.created_at, e.created_at,
                   CASE WHEN e.created_at < now() - interval '150 days' THEN e.created_at END, NULL
            FROM notification_events e, users u WHERE e.kind = 'low_stock' AND u.username = 'lea';
            """, connection))
            await seed.ExecuteNonQueryAsync();

        var purged = await api.Services.GetRequiredService<RetentionPurge>().PurgeAsync(CancellationToken.None);

        // Events: the sent low stock's, and those of the two cleared alerts kept (the alert is the history, the event was the outbox's).
        Assert.Equal(new Purged(IdempotencyKeys: 1, Sessions: 2, NotificationDeliveries: 1, NotificationEvents: 3, Alerts: 1), purged);
        Assert.Equal(1, await ScalarAsync(connection, "SELECT count(*) FROM idempotency_keys WHERE key = 'fridge-new-01:1'"));
        Assert.Equal(1, await ScalarAsync(connection, "SELECT count(*) FROM user_sessions WHERE id_hash = '\\x03'"));
        Assert.Equal(3, await ScalarAsync(connection, "SELECT count(*) FROM alerts WHERE device_id = 'fridge-purge-01' AND type <> 'door_open_too_long'"));
        // The 100-day-old low stock stays: its delivery was never sent (what waits is never purged).
        Assert.Equal(1, await ScalarAsync(connection, "SELECT count(*) FROM notification_events WHERE kind = 'low_stock'"));
        Assert.Equal(new Purged(0, 0, 0, 0, 0), await api.Services.GetRequiredService<RetentionPurge>().PurgeAsync(CancellationToken.None));
    }

    [Fact]
    public void A_retention_too_short_for_what_relies_on_it_is_refused_at_start()
    {
        Assert.Empty(new RetentionOptions().Errors());
        Assert.Equal(["Retention__IdempotencyKeys must be at least 30 days", "Retention__ClearedAlerts must be at least a year (the temperature log's history)"],
            new RetentionOptions { IdempotencyKeys = TimeSpan.FromDays(7), ClearedAlerts = TimeSpan.FromDays(30) }.Errors());
    }
}
