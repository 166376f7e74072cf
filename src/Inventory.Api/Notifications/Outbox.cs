using Inventory.Api.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Inventory.Api.Notifications;

/// <summary>A group of deliveries to one person at one destination, sent as one message (a digest).</summary>
public sealed record DeliveryGroup(string Channel, long UserId, string Destination, IReadOnlyList<PendingDelivery> Deliveries);
public sealed record PendingDelivery(long Id, string Subject, string Body, int Attempts);

/// <summary>
/// The transactional outbox's three steps, each a short transaction that several API replicas may run at
/// once (rows are claimed with SKIP LOCKED): events become deliveries to the people subscribed, alerts
/// nobody acknowledged in time become escalations, and due deliveries are claimed for sending.
/// </summary>
public sealed class Outbox(NpgsqlDataSource db, IOptions<NotificationOptions> settings, TimeProvider time, TableCalendar calendar)
{
    private NotificationOptions Options => settings.Value;

    /// <summary>Turns new events into deliveries, per person and channel, due now or after their quiet hours. Returns how many events.</summary>
    public async Task<int> FanOutAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using var pending = c.Command(tx, """
            SELECT e.id, e.kind, a.device_id, a.type, a.raised_at, a.detail, a.peak_value, coalesce(la.name, ls.name), e.sku, b.name, e.units, e.par_units,
                   coalesce(a.location_id, e.location_id), b.brewery_id, x.lot_code,
                   e.kind = 'alert_raised' AND a.type = 'offline' AND a.cleared_at IS NOT NULL AND a.cleared_at - a.raised_at < $2
            FROM notification_events e
            LEFT JOIN alerts a ON a.id = e.alert_id LEFT JOIN locations la ON la.id = a.location_id
            LEFT JOIN locations ls ON ls.id = e.location_id LEFT JOIN beers b ON b.sku = e.sku LEFT JOIN stock_exposures x ON x.id = e.exposure_id
            -- An offline alert waits out its grace: told if still open then, dropped if the device came back within it.
            WHERE e.fanned_out_at IS NULL
              AND NOT (e.kind = 'alert_raised' AND a.type = 'offline' AND a.cleared_at IS NULL AND e.created_at > $1 - $2)
            -- Alerts, escalations and exposed lots before low stock: a flood of the one never holds up the others.
            ORDER BY e.kind = 'low_stock', e.id LIMIT 200
            FOR UPDATE OF e SKIP LOCKED
            """, now.UtcDateTime, Options.OfflineGrace);
        var events = await pending.ListAsync(r => (Facts: new EventFacts(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
            r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetDouble(6),
            r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9),
            r.IsDBNull(10) ? null : r.GetInt32(10), r.IsDBNull(11) ? null : r.GetInt32(11), r.IsDBNull(14) ? null : r.GetString(14)),
            Location: r.IsDBNull(12) ? (long?)null : r.GetInt64(12), Brewery: r.IsDBNull(13) ? (long?)null : r.GetInt64(13),
            BackWithinGrace: !r.IsDBNull(15) && r.GetBoolean(15)), ct);
        if (events.Count == 0) return 0;

        foreach (var (facts, location, brewery, backWithinGrace) in events)
        {
            if (backWithinGrace) continue; // offline for seconds: nobody is told
            var (subject, body) = NotificationText.For(facts, Options.DashboardUrl, calendar);
            foreach (var person in await RecipientsAsync(c, tx, facts.Kind, location, brewery, facts.RaisedAt, ct))
            {
                // An escalation is urgent: it ignores quiet hours.
                var due = facts.Kind == "alert_escalated" ? now : DeliveryRules.DueAt(now, person.QuietFrom, person.QuietTo, Options.Zone);
                foreach (var (channel, destination) in person.Destinations)
                {
                    await using var insert = c.Command(tx, """
                        INSERT INTO notification_deliveries (event_id, user_id, channel, destination, subject, body, due_at, next_attempt_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (event_id, user_id, channel) DO NOTHING
                        """,
                        /* $1 */ facts.Id,
                        /* $2 */ person.UserId,
                        /* $3 */ channel,
                        /* $4 */ destination,
                        /* $5 */ subject,
                        /* $6 */ body,
                        /* $7 */ due.UtcDateTime);
                    await insert.ExecuteNonQueryAsync(ct);
                }
            }
        }
        await using var done = c.Command(tx, "UPDATE notification_events SET fanned_out_at = $2 WHERE id = ANY($1)", events.Select(e => e.Facts.Id).ToArray(), now.UtcDateTime);
        await done.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return events.Count;
    }

    private sealed record Recipient(long UserId, TimeOnly? QuietFrom, TimeOnly? QuietTo, List<(string Channel, string Destination)> Destinations);

    /// <summary>
    /// Who is told: an alert, the leads and the brewers whose beer stands where the device stands (of those
    /// who want alerts); an escalation, every lead; a low stock, the leads and the beer's brewers (of those
    /// who want low-stock warnings); an exposed lot (and one no longer exposed), the leads and the beer's brewers (of
    /// those who want alerts). Disabled people are told nothing, and an address nobody confirmed is sent nothing.
    /// </summary>
    private static async Task<List<Recipient>> RecipientsAsync(NpgsqlConnection c, NpgsqlTransaction tx, string kind, long? location, long? brewery, DateTimeOffset? raisedAt,
        CancellationToken ct)
    {
        var who = kind switch
        {
            // Its beer stood there when the alert was raised (the ledger as of then, in event time: a shelf
            // sold out since, or counted late, does not change who is told), or stands there now.
            "alert_raised" => """
                s.alerts AND (u.role = 'lead'
                    OR u.brewery_id IN (SELECT b.brewery_id FROM stock_levels sl JOIN beers b ON b.sku = sl.sku WHERE sl.location_id = $1 AND sl.units > 0)
                    OR u.brewery_id IN (SELECT b.brewery_id FROM movements m JOIN beers b ON b.sku = m.sku
                                        WHERE (m.to_location_id = $1 OR m.from_location_id = $1) AND m.occurred_at <= $3
                                        GROUP BY b.brewery_id, m.sku HAVING sum(CASE WHEN m.to_location_id = $1 THEN m.units ELSE -m.units END) > 0))
                """,
            "alert_escalated" => "u.role = 'lead'",
            "low_stock" => "s.low_stock AND (u.role = 'lead' OR u.brewery_id = $2)",
            "stock_exposed" or "stock_exposure_withdrawn" => "s.alerts AND (u.role = 'lead' OR u.brewery_id = $2)",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no recipients for this kind of event"),
        };
        await using var command = c.Command(tx, $"""
            SELECT u.id, s.quiet_from, s.quiet_to, CASE WHEN s.email_verified_at IS NOT NULL THEN s.email END,
                   CASE WHEN s.webhook_disabled_reason IS NULL THEN s.webhook_url END
            FROM notification_subscriptions s JOIN users u ON u.id = s.user_id
            WHERE u.disabled_at IS NULL AND {who}
            ORDER BY u.id
            """, Db.Typed(location, NpgsqlTypes.NpgsqlDbType.Bigint), Db.Typed(brewery, NpgsqlTypes.NpgsqlDbType.Bigint),
            Db.Typed(raisedAt?.UtcDateTime, NpgsqlTypes.NpgsqlDbType.TimestampTz)); // typed: a kind may use none of them
        return await command.ListAsync(r =>
        {
            var destinations = new List<(string, string)>();
            if (!r.IsDBNull(3)) destinations.Add(("email", r.GetString(3)));
            if (!r.IsDBNull(4)) destinations.Add(("webhook", r.GetString(4)));
            return new Recipient(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetFieldValue<TimeOnly>(1), r.IsDBNull(2) ? null : r.GetFieldValue<TimeOnly>(2), destinations);
        }, ct);
    }

    /// <summary>Open alerts nobody acknowledged within <see cref="NotificationOptions.EscalateAfter"/>: each becomes an escalation event, once.</summary>
    public async Task<int> EscalateAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var command = db.Command("""
            WITH due AS (
                UPDATE alerts SET escalated_at = $1
                WHERE cleared_at IS NULL AND acknowledged_at IS NULL AND escalated_at IS NULL AND reported_at <= $2
                RETURNING id)
            INSERT INTO notification_events (kind, alert_id) SELECT 'alert_escalated', id FROM due
            """, now.UtcDateTime, (now - Options.EscalateAfter).UtcDateTime);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The groups ready to send: a destination whose oldest due delivery has waited the digest window (so
    /// that what comes within it goes in the same message), or whose retry is due; those holding more than low
    /// stock first.
    /// </summary>
    public async Task<List<(string Channel, long UserId, string Destination)>> ReadyAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var command = db.Command("""
            SELECT d.channel, d.user_id, d.destination FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id
            WHERE d.sent_at IS NULL AND d.abandoned_reason IS NULL AND d.due_at <= $1 AND d.next_attempt_at <= $1
            GROUP BY d.channel, d.user_id, d.destination HAVING min(d.due_at) <= $2
            ORDER BY bool_and(e.kind = 'low_stock'), min(d.due_at)
            LIMIT 100
            """, now.UtcDateTime, (now - Options.DigestWindow).UtcDateTime);
        return await command.ListAsync(r => (r.GetString(0), r.GetInt64(1), r.GetString(2)), ct);
    }

    /// <summary>
    /// Claims a group's due deliveries (row locks held by <paramref name="c"/>'s transaction while it is sent:
    /// another replica skips them) and, once sent or failed, records the outcome in the same transaction.
    /// </summary>
    public static async Task<DeliveryGroup?> ClaimAsync(NpgsqlConnection c, NpgsqlTransaction tx, (string Channel, long UserId, string Destination) group, DateTimeOffset now, CancellationToken ct)
    {
        // The most urgent first: a digest's 100 rows hold the alert even behind a thousand low-stock warnings.
        await using var command = c.Command(tx, """
            SELECT d.id, d.subject, d.body, d.attempts FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id
            WHERE d.channel = $1 AND d.user_id = $2 AND d.destination = $3 AND d.sent_at IS NULL AND d.abandoned_reason IS NULL AND d.due_at <= $4 AND d.next_attempt_at <= $4
            ORDER BY e.kind = 'low_stock', d.id LIMIT 100 FOR UPDATE OF d SKIP LOCKED
            """, group.Channel, group.UserId, group.Destination, now.UtcDateTime);
        var rows = await command.ListAsync(r => new PendingDelivery(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3)), ct);
        return rows.Count == 0 ? null : new DeliveryGroup(group.Channel, group.UserId, group.Destination, rows);
    }

    /// <summary>
    /// Sent: recorded once. A mail that carried a code (a password reset's, an address confirmation's) keeps no copy of
    /// it once the relay took it: the code is its owner's alone, and whoever reads the database must not find it there.
    /// </summary>
    public static async Task SentAsync(NpgsqlConnection c, NpgsqlTransaction tx, DeliveryGroup group, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = c.Command(tx, """
            UPDATE notification_deliveries d SET sent_at = $2, attempts = attempts + 1, last_error = NULL,
                body = CASE WHEN e.kind IN ('password_reset', 'email_verification') THEN $3 ELSE d.body END
            FROM notification_events e WHERE e.id = d.event_id AND d.id = ANY($1)
            """, group.Deliveries.Select(d => d.Id).ToArray(), now.UtcDateTime, SentCodeRemoved);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>What a sent mail that carried a code keeps of its body.</summary>
    public const string SentCodeRemoved = "(envoyé ; le code n'est gardé que dans le courriel / sent; the code is kept in the mail only)";

    /// <summary>A failed attempt: tried again after a backoff, or given up after the last attempt.</summary>
    public async Task FailedAsync(NpgsqlConnection c, NpgsqlTransaction tx, DeliveryGroup group, string error, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var d in group.Deliveries)
        {
            var attempts = d.Attempts + 1;
            await using var command = c.Command(tx, """
                UPDATE notification_deliveries SET attempts = $2, last_error = $3, next_attempt_at = $4, abandoned_reason = $5 WHERE id = $1
                """,
                /* $1 */ d.Id,
                /* $2 */ attempts,
                /* $3 */ Clip(error),
                /* $4 */ (now + DeliveryRules.Backoff(attempts)).UtcDateTime,
                /* $5 */ Db.Typed(attempts >= Options.MaxAttempts ? $"given up after {attempts} attempts: {Clip(error)}" : null, NpgsqlTypes.NpgsqlDbType.Text));
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// The webhook refused (4xx, or an address it may not reach): counted, and past the limit the webhook is
    /// disabled with its reason shown to its owner and what waited for it given up.
    /// </summary>
    public async Task RefusedAsync(NpgsqlConnection c, NpgsqlTransaction tx, DeliveryGroup group, string reason, DateTimeOffset now, CancellationToken ct)
    {
        await using var count = c.Command(tx, """
            UPDATE notification_subscriptions SET webhook_failures = webhook_failures + 1,
                webhook_disabled_reason = CASE WHEN webhook_failures + 1 >= $3 THEN $4 END
            WHERE user_id = $1 AND webhook_url = $2 RETURNING webhook_disabled_reason
            """, group.UserId, group.Destination, Options.WebhookRefusalsBeforeDisabling,
            $"disabled on {now.UtcDateTime:yyyy-MM-dd HH:mm} UTC after {Options.WebhookRefusalsBeforeDisabling} refusals in a row; the last: {Clip(reason)}");
        var disabled = await count.ExecuteScalarAsync(ct) is string;
        if (!disabled)
        {
            await FailedAsync(c, tx, group, reason, now, ct);
            return;
        }
        await using var abandon = c.Command(tx, """
            UPDATE notification_deliveries SET attempts = attempts + CASE WHEN id = ANY($3) THEN 1 ELSE 0 END, last_error = $4, abandoned_reason = 'the webhook is disabled'
            WHERE user_id = $1 AND channel = 'webhook' AND destination = $2 AND sent_at IS NULL AND abandoned_reason IS NULL
            """, group.UserId, group.Destination, group.Deliveries.Select(d => d.Id).ToArray(), Clip(reason));
        await abandon.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A webhook that answered: its count of refusals starts again.</summary>
    public static async Task WebhookAnsweredAsync(NpgsqlConnection c, NpgsqlTransaction tx, DeliveryGroup group, CancellationToken ct)
    {
        await using var command = c.Command(tx, "UPDATE notification_subscriptions SET webhook_failures = 0 WHERE user_id = $1 AND webhook_url = $2 AND webhook_failures > 0",
            group.UserId, group.Destination);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static string Clip(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
