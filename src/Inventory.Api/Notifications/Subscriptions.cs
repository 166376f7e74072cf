using System.Security.Cryptography;
using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Inventory.Api.Notifications;

/// <summary>A person's own subscription: where to be told, of what, and when not to be.</summary>
public sealed class Subscriptions(NpgsqlDataSource db, IOptions<NotificationOptions> options)
{
    public async Task<SubscriptionView> FindAsync(long userId, CancellationToken ct)
    {
        await using var command = db.Command("""
            SELECT email, webhook_url, webhook_secret, webhook_disabled_reason, alerts, low_stock, quiet_from, quiet_to
            FROM notification_subscriptions WHERE user_id = $1
            """, userId);
        var rows = await command.ListAsync(r => (Email: r.IsDBNull(0) ? null : r.GetString(0), Url: r.IsDBNull(1) ? null : r.GetString(1), Secret: r.IsDBNull(2) ? null : r.GetString(2),
            Disabled: r.IsDBNull(3) ? null : r.GetString(3), Alerts: r.GetBoolean(4), LowStock: r.GetBoolean(5),
            From: r.IsDBNull(6) ? (TimeOnly?)null : r.GetFieldValue<TimeOnly>(6), To: r.IsDBNull(7) ? (TimeOnly?)null : r.GetFieldValue<TimeOnly>(7)), ct);
        await using var recent = db.Command("""
            SELECT id, channel, subject, due_at, sent_at, attempts, last_error, abandoned_reason FROM notification_deliveries
            WHERE user_id = $1 ORDER BY id DESC LIMIT 20
            """, userId);
        var deliveries = await recent.ListAsync(r => new DeliveryView(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3),
            r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.GetInt32(5), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7)), ct);
        // Without a row: the defaults a new subscription gets (alerts and low stock on, no quiet hours).
        if (rows.Count == 0) return new SubscriptionView(null, null, null, null, true, true, null, null, deliveries);
        var s = rows[0];
        return new SubscriptionView(s.Email, s.Url, s.Secret, s.Disabled, s.Alerts, s.LowStock, s.From, s.To, deliveries);
    }

    /// <summary>The secret a person's webhook is signed with (null: no webhook any more).</summary>
    public async Task<string?> WebhookSecretAsync(long userId, CancellationToken ct)
    {
        await using var command = db.Command("SELECT webhook_secret FROM notification_subscriptions WHERE user_id = $1", userId);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>
    /// Saves a person's subscription. A new or changed webhook address gets a new signing secret and starts
    /// enabled; an address on a private network is refused (the server would post into its own network).
    /// </summary>
    public async Task<SubscriptionView> SaveAsync(Caller caller, SubscriptionChange change, CancellationToken ct)
    {
        var userId = caller.UserId ?? throw new DomainProblem(Problems.Forbidden("a subscription is a person's: sign in (an API key is nobody to notify)"));
        if (change.WebhookUrl is { } url && !options.Value.AllowPrivateWebhooks && WebhookAddresses.IsPrivateLiteral(new Uri(url)))
            throw new DomainProblem(Problems.Unprocessable("webhookUrl", "is an address on a private or local network"));
        await using var command = db.Command("""
            INSERT INTO notification_subscriptions AS s (user_id, email, webhook_url, webhook_secret, alerts, low_stock, quiet_from, quiet_to)
            VALUES ($1, $2, $3, CASE WHEN $3::text IS NULL THEN NULL ELSE $4 END, $5, $6, $7, $8)
            ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, alerts = EXCLUDED.alerts, low_stock = EXCLUDED.low_stock,
                quiet_from = EXCLUDED.quiet_from, quiet_to = EXCLUDED.quiet_to,
                webhook_url = EXCLUDED.webhook_url,
                webhook_secret = CASE WHEN EXCLUDED.webhook_url IS NOT DISTINCT FROM s.webhook_url THEN s.webhook_secret ELSE EXCLUDED.webhook_secret END,
                webhook_failures = CASE WHEN EXCLUDED.webhook_url IS NOT DISTINCT FROM s.webhook_url THEN s.webhook_failures ELSE 0 END,
                webhook_disabled_reason = CASE WHEN EXCLUDED.webhook_url IS NOT DISTINCT FROM s.webhook_url THEN s.webhook_disabled_reason ELSE NULL END
            """, userId, change.Email?.Trim(), Db.Typed(change.WebhookUrl, NpgsqlTypes.NpgsqlDbType.Text), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            change.Alerts ?? true, change.LowStock ?? true, Db.Typed(change.QuietFrom, NpgsqlTypes.NpgsqlDbType.Time), Db.Typed(change.QuietTo, NpgsqlTypes.NpgsqlDbType.Time));
        await command.ExecuteNonQueryAsync(ct);
        return await FindAsync(userId, ct);
    }
}
