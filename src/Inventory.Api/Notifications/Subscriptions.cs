using System.Security.Cryptography;
using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Inventory.Api.Notifications;

/// <summary>A person's own subscription: where to be told, of what, and when not to be.</summary>
public sealed class Subscriptions(NpgsqlDataSource db, IOptions<NotificationOptions> options)
{
    /// <summary>How long a confirmation link works.</summary>
    public static readonly TimeSpan VerificationLifetime = TimeSpan.FromDays(2);

    public async Task<SubscriptionView> FindAsync(long userId, CancellationToken ct)
    {
        await using var command = db.Command("""
            SELECT email, email_verified_at IS NOT NULL, webhook_url, webhook_secret, webhook_disabled_reason, alerts, low_stock, quiet_from, quiet_to
            FROM notification_subscriptions WHERE user_id = $1
            """, userId);
        var rows = await command.ListAsync(r => (Email: r.IsDBNull(0) ? null : r.GetString(0), Verified: r.GetBoolean(1), Url: r.IsDBNull(2) ? null : r.GetString(2),
            Secret: r.IsDBNull(3) ? null : r.GetString(3), Disabled: r.IsDBNull(4) ? null : r.GetString(4), Alerts: r.GetBoolean(5), LowStock: r.GetBoolean(6),
            From: r.IsDBNull(7) ? (TimeOnly?)null : r.GetFieldValue<TimeOnly>(7), To: r.IsDBNull(8) ? (TimeOnly?)null : r.GetFieldValue<TimeOnly>(8)), ct);
        await using var recent = db.Command("""
            SELECT id, channel, subject, due_at, sent_at, attempts, last_error, abandoned_reason FROM notification_deliveries
            WHERE user_id = $1 ORDER BY id DESC LIMIT 20
            """, userId);
        var deliveries = await recent.ListAsync(r => new DeliveryView(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3),
            r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.GetInt32(5), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7)), ct);
        // Without a row: the defaults a new subscription gets (alerts and low stock on, no quiet hours).
        if (rows.Count == 0) return new SubscriptionView(null, false, null, null, null, true, true, null, null, deliveries);
        var s = rows[0];
        return new SubscriptionView(s.Email, s.Email is not null && s.Verified, s.Url, s.Secret, s.Disabled, s.Alerts, s.LowStock, s.From, s.To, deliveries);
    }

    /// <summary>The secret a person's webhook is signed with (null: no webhook any more).</summary>
    public async Task<string?> WebhookSecretAsync(long userId, CancellationToken ct)
    {
        await using var command = db.Command("SELECT webhook_secret FROM notification_subscriptions WHERE user_id = $1", userId);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>
    /// Saves a person's subscription. A new or changed webhook address gets a new signing secret and starts
    /// enabled; an address on a private network is refused (the server would post into its own network). A new or
    /// changed mail address is told nothing until it is confirmed: it gets one mail with a confirmation link, in the
    /// same transaction (through the outbox), at most <see cref="NotificationOptions.ConfirmationMailsPerDay"/> a day per person.
    /// </summary>
    public async Task<SubscriptionView> SaveAsync(Caller caller, SubscriptionChange change, CancellationToken ct)
    {
        var userId = caller.UserId ?? throw new DomainProblem(Problems.Forbidden("a subscription is a person's: sign in (an API key is nobody to notify)"));
        if (change.WebhookUrl is { } url && !options.Value.AllowPrivateWebhooks && WebhookAddresses.IsPrivateLiteral(new Uri(url)))
            throw new DomainProblem(Problems.Unprocessable("webhookUrl", "is an address on a private or local network"));
        await SaveInTransactionAsync(userId, change, ct);
        return await FindAsync(userId, ct); // on a connection of its own, once the first is back in the pool
    }

    private async Task SaveInTransactionAsync(long userId, SubscriptionChange change, CancellationToken ct)
    {
        var email = change.Email?.Trim();
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using var current = c.Command(tx, "SELECT email FROM notification_subscriptions WHERE user_id = $1 FOR UPDATE", userId);
        var before = await current.ExecuteScalarAsync(ct) as string;
        var newAddress = email is not null && !string.Equals(email, before, StringComparison.OrdinalIgnoreCase);
        string? token = null;
        if (newAddress)
        {
            await using var sent = c.Command(tx, """
                SELECT count(*) FROM notification_events WHERE kind = 'email_verification' AND user_id = $1 AND created_at > now() - interval '1 day'
                """, userId);
            var perDay = options.Value.ConfirmationMailsPerDay;
            if ((long)(await sent.ExecuteScalarAsync(ct))! >= perDay)
                throw new DomainProblem(Problems.Unprocessable("email", $"{perDay} confirmation mails were sent for you today: try again tomorrow"));
            token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        }
        await using var command = c.Command(tx, """
            INSERT INTO notification_subscriptions AS s (user_id, email, webhook_url, webhook_secret, alerts, low_stock, quiet_from, quiet_to, email_token_hash, email_token_sent_at)
            VALUES ($1, $2, $3, CASE WHEN $3::text IS NULL THEN NULL ELSE $4 END, $5, $6, $7, $8, $9, CASE WHEN $9::bytea IS NULL THEN NULL ELSE now() END)
            ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, alerts = EXCLUDED.alerts, low_stock = EXCLUDED.low_stock,
                quiet_from = EXCLUDED.quiet_from, quiet_to = EXCLUDED.quiet_to,
                email_verified_at = CASE WHEN lower(EXCLUDED.email) IS NOT DISTINCT FROM lower(s.email) THEN s.email_verified_at END,
                email_token_hash = CASE WHEN $9::bytea IS NOT NULL OR EXCLUDED.email IS NULL THEN $9::bytea ELSE s.email_token_hash END,
                email_token_sent_at = CASE WHEN $9::bytea IS NOT NULL OR EXCLUDED.email IS NULL THEN EXCLUDED.email_token_sent_at ELSE s.email_token_sent_at END,
                webhook_url = EXCLUDED.webhook_url,
                webhook_secret = CASE WHEN EXCLUDED.webhook_url IS NOT DISTINCT FROM s.webhook_url THEN s.webhook_secret ELSE EXCLUDED.webhook_secret END,
                webhook_failures = CASE WHEN EXCLUDED.webhook_url IS NOT DISTINCT FROM s.webhook_url THEN s.webhook_failures ELSE 0 END,
                webhook_disabled_reason = CASE WHEN EXCLUDED.webhook_url IS NOT DISTINCT FROM s.webhook_url THEN s.webhook_disabled_reason ELSE NULL END
            """,
            /* $1 */ userId,
            /* $2 */ Db.Typed(email, NpgsqlTypes.NpgsqlDbType.Text),
            /* $3 */ Db.Typed(change.WebhookUrl, NpgsqlTypes.NpgsqlDbType.Text),
            /* $4 */ Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            /* $5 */ change.Alerts ?? true,
            /* $6 */ change.LowStock ?? true,
            /* $7 */ Db.Typed(change.QuietFrom, NpgsqlTypes.NpgsqlDbType.Time),
            /* $8 */ Db.Typed(change.QuietTo, NpgsqlTypes.NpgsqlDbType.Time),
            /* $9 */ Db.Typed(token is null ? null : SHA256.HashData(Convert.FromHexString(token)), NpgsqlTypes.NpgsqlDbType.Bytea));
        await command.ExecuteNonQueryAsync(ct);
        if (token is not null)
        {
            var (subject, body) = NotificationText.Verification(token, options.Value.DashboardUrl);
            await using var mail = c.Command(tx, """
                WITH e AS (INSERT INTO notification_events (kind, user_id, fanned_out_at) VALUES ('email_verification', $1, now()) RETURNING id)
                INSERT INTO notification_deliveries (event_id, user_id, channel, destination, subject, body, due_at, next_attempt_at)
                SELECT e.id, $1, 'email', $2, $3, $4, now(), now() FROM e
                """, userId, email!, subject, body);
            await mail.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Confirms the address a confirmation mail went to: once, within <see cref="VerificationLifetime"/>. False: no such code (any more).</summary>
    public async Task<bool> VerifyAsync(string token, CancellationToken ct)
    {
        await using var command = db.Command("""
            UPDATE notification_subscriptions SET email_verified_at = now(), email_token_hash = NULL
            WHERE email_token_hash = $1 AND email_token_sent_at > now() - $2 AND email IS NOT NULL
            """, SHA256.HashData(Convert.FromHexString(token)), VerificationLifetime);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }
}
