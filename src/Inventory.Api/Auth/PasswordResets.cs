using System.Security.Cryptography;
using Inventory.Api.Infrastructure;
using Inventory.Api.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Inventory.Api.Auth;

/// <summary>A forgotten password: the username of the account.</summary>
public sealed record PasswordResetRequest(string? Username) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(!string.IsNullOrWhiteSpace(Username) && Username.Length <= 64, "username", "is required (at most 64 characters)");
}

/// <summary>The code of a reset mail and the new password.</summary>
public sealed record PasswordReset(string? Code, string? NewPassword) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Code is { Length: 64 } && Code.All(char.IsAsciiHexDigitLower), "code", "must be the 64-character code of a password reset mail")
        .Require(NewPassword is { Length: >= PasswordChange.MinLength and <= 1024 }, "newPassword", $"must be {PasswordChange.MinLength} to 1024 characters");
}

/// <summary>
/// A forgotten password, reset by a link mailed to the person's confirmed address (the one their notices go to):
/// the code is kept as its SHA-256 only, works for <see cref="Lifetime"/>, once, and only while it is the person's
/// latest; a person is mailed at most <see cref="MailsPerDay"/> a day, whoever asks. Asking says nothing of whether
/// the username exists or has an address (the answer is the same), and a reset ends every session of the person.
/// </summary>
public sealed class PasswordResets(NpgsqlDataSource db, IOptions<NotificationOptions> notifications, ILogger<PasswordResets> log)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    public const int MailsPerDay = 3;
    private static readonly PasswordHasher<string> Hasher = new();

    /// <summary>How many requests one pass of the outbox's worker mails from, at most (a flood waits for the next passes).</summary>
    public const int RequestsPerPass = 200;

    /// <summary>
    /// Records the request and nothing else: the same work, and so the same time, whatever the username is (the answer
    /// must not tell whether an account exists or has an address: docs/security.md). The outbox's worker mails from it
    /// within its next pass (<see cref="MailRequestedAsync"/>).
    /// </summary>
    public async Task RequestAsync(string username, CancellationToken ct)
    {
        await using var request = db.Command("INSERT INTO password_reset_requests (username) VALUES ($1)", username.Trim().ToLowerInvariant());
        await request.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Mails from the oldest requests (each request once, whichever replica takes it); how many it took.</summary>
    public async Task<int> MailRequestedAsync(CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using var take = c.Command(tx, """
            DELETE FROM password_reset_requests WHERE id IN (SELECT id FROM password_reset_requests ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING id, username
            """, RequestsPerPass);
        var requests = (await take.ListAsync(r => (Id: r.GetInt64(0), Username: r.GetString(1)), ct)).OrderBy(r => r.Id).ToList();
        foreach (var request in requests) await MailAsync(c, tx, request.Username, ct);
        await tx.CommitAsync(ct);
        return requests.Count;
    }

    /// <summary>Mails a reset link when the username is a person's with a confirmed address, not disabled, under the day's limit; otherwise nothing.</summary>
    private async Task MailAsync(NpgsqlConnection c, NpgsqlTransaction tx, string username, CancellationToken ct)
    {
        await using var who = c.Command(tx, """
            SELECT u.id, s.email,
                   (SELECT count(*) FROM password_resets r WHERE r.user_id = u.id AND r.created_at > now() - interval '1 day')::int
            FROM users u JOIN notification_subscriptions s ON s.user_id = u.id
            WHERE u.username = $1 AND u.disabled_at IS NULL AND s.email IS NOT NULL AND s.email_verified_at IS NOT NULL
            FOR UPDATE OF u
            """, username);
        var found = await who.ListAsync(r => (UserId: r.GetInt64(0), Email: r.GetString(1), SentToday: r.GetInt32(2)), ct);
        if (found is not [var person]) return;
        if (person.SentToday >= MailsPerDay)
        {
            log.LogWarning("Password reset for {Username} not mailed: {Count} were mailed today", username, person.SentToday);
            return;
        }
        var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await using var reset = c.Command(tx, "INSERT INTO password_resets (user_id, token_hash) VALUES ($1, $2)", person.UserId, SHA256.HashData(Convert.FromHexString(code)));
        await reset.ExecuteNonQueryAsync(ct);
        var (subject, body) = NotificationText.PasswordReset(code, notifications.Value.DashboardUrl);
        // Due before the digest window: the person is waiting at the page for it, it is not gathered with later notices.
        await using var mail = c.Command(tx, """
            WITH e AS (INSERT INTO notification_events (kind, user_id, fanned_out_at) VALUES ('password_reset', $1, now()) RETURNING id)
            INSERT INTO notification_deliveries (event_id, user_id, channel, destination, subject, body, due_at, next_attempt_at)
            SELECT e.id, $1, 'email', $2, $3, $4, now() - $5, now() FROM e
            """,
            /* $1 */ person.UserId,
            /* $2 */ person.Email,
            /* $3 */ subject,
            /* $4 */ body,
            /* $5 */ notifications.Value.DigestWindow);
        await mail.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Sets the new password when the code is a live one (unused, under an hour old, the person's latest); ends every session of theirs. False otherwise.</summary>
    public async Task<bool> ResetAsync(string code, string newPassword, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using var find = c.Command(tx, """
            SELECT u.id, u.username FROM password_resets r JOIN users u ON u.id = r.user_id
            WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.created_at > now() - $2 AND u.disabled_at IS NULL
              AND r.id = (SELECT max(id) FROM password_resets l WHERE l.user_id = r.user_id)
            FOR UPDATE OF r, u
            """, SHA256.HashData(Convert.FromHexString(code)), Lifetime);
        if (await find.ListAsync(r => (Id: r.GetInt64(0), Username: r.GetString(1)), ct) is not [var person]) return false;
        await using (var password = c.Command(tx, "UPDATE users SET password_hash = $2 WHERE id = $1", person.Id, Hasher.HashPassword(person.Username, newPassword)))
            await password.ExecuteNonQueryAsync(ct);
        // Every code of theirs is spent, and whoever was signed in as them (with the password someone may have stolen) is out.
        await using (var spent = c.Command(tx, "UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL", person.Id))
            await spent.ExecuteNonQueryAsync(ct);
        await using (var sessions = c.Command(tx, "UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL", person.Id))
            await sessions.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        log.LogInformation("Password of {Username} reset by a mailed code", person.Username);
        return true;
    }
}
