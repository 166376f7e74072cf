using System.Security.Claims;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Inventory.Api.Auth;

/// <summary>People's accounts: passwords hashed with ASP.NET Core Identity's PBKDF2 hasher.</summary>
public sealed class Accounts(NpgsqlDataSource db)
{
    private static readonly PasswordHasher<string> Hasher = new();

    public async Task<long> CreateUserAsync(string username, string displayName, string password, string role, string? brewerySlug, CancellationToken ct = default)
    {
        if (!Roles.People.Contains(role)) throw new ArgumentException($"role must be one of {string.Join(", ", Roles.People)}", nameof(role));
        if (password.Length < 10) throw new ArgumentException("password must have at least 10 characters", nameof(password));
        var breweryId = await BreweryIdAsync(brewerySlug, role, ct);
        await using var command = db.Command("""
            INSERT INTO users (username, display_name, password_hash, role, brewery_id) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name, password_hash = EXCLUDED.password_hash,
                role = EXCLUDED.role, brewery_id = EXCLUDED.brewery_id
            RETURNING id
            """,
            /* $1 */ username,
            /* $2 */ displayName,
            /* $3 */ Hasher.HashPassword(username, password),
            /* $4 */ role,
            /* $5 */ breweryId);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A new person, or null when the username is taken (never changes an existing account, unlike <see cref="CreateUserAsync"/>).</summary>
    public async Task<long?> AddUserAsync(string username, string displayName, string password, string role, string? brewerySlug, CancellationToken ct = default)
    {
        if (!Roles.People.Contains(role)) throw new ArgumentException($"role must be one of {string.Join(", ", Roles.People)}", nameof(role));
        var breweryId = await BreweryIdAsync(brewerySlug, role, ct);
        await using var command = db.Command("""
            INSERT INTO users (username, display_name, password_hash, role, brewery_id) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (username) DO NOTHING RETURNING id
            """,
            /* $1 */ username,
            /* $2 */ displayName,
            /* $3 */ Hasher.HashPassword(username, password),
            /* $4 */ role,
            /* $5 */ breweryId);
        return await command.ExecuteScalarAsync(ct) as long?;
    }

    /// <summary>
    /// A person changes their own password, giving the current one: their other sessions end (whoever else
    /// was signed in with the old password is out), this one stays. False when the current password is wrong.
    /// </summary>
    public async Task<bool> ChangePasswordAsync(long userId, string username, string currentPassword, string newPassword, string keepSessionId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var read = connection.Command(transaction, "SELECT password_hash FROM users WHERE id = $1 FOR UPDATE", userId);
        if (await read.ExecuteScalarAsync(ct) is not string hash
            || Hasher.VerifyHashedPassword(username, hash, currentPassword) == PasswordVerificationResult.Failed) return false;
        await using var update = connection.Command(transaction, "UPDATE users SET password_hash = $2 WHERE id = $1", userId, Hasher.HashPassword(username, newPassword));
        await update.ExecuteNonQueryAsync(ct);
        await using var others = connection.Command(transaction,
            "UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND id_hash <> $2", userId, Sessions.Hash(keepSessionId));
        await others.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// A new API key, shown once. With <paramref name="replace"/>, the live keys of the same name are revoked
    /// in the same transaction: a script that makes its key on every start leaves one live key, not one per start.
    /// </summary>
    public async Task<string> CreateApiKeyAsync(string name, string role, string? brewerySlug, bool replace = false, CancellationToken ct = default)
    {
        if (!Roles.All.Contains(role)) throw new ArgumentException($"role must be one of {string.Join(", ", Roles.All)}", nameof(role));
        var breweryId = await BreweryIdAsync(brewerySlug, role, ct);
        var (key, prefix, hash) = ApiKeys.Create();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (replace)
        {
            await using var revoke = connection.Command(transaction, "UPDATE api_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL", name);
            await revoke.ExecuteNonQueryAsync(ct);
        }
        await using var command = connection.Command(transaction, "INSERT INTO api_keys (name, key_prefix, key_hash, role, brewery_id) VALUES ($1, $2, $3, $4, $5)",
            /* $1 */ name,
            /* $2 */ prefix,
            /* $3 */ hash,
            /* $4 */ role,
            /* $5 */ breweryId);
        await command.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return key;
    }

    public async Task<IReadOnlyList<Person>> ListPeopleAsync(CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            SELECT u.username, u.display_name, u.role, b.slug, u.disabled_at IS NOT NULL,
                   (SELECT count(*) FROM user_sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL AND s.expires_at > now())::int
            FROM users u LEFT JOIN breweries b ON b.id = u.brewery_id ORDER BY u.username
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var people = new List<Person>();
        while (await reader.ReadAsync(ct))
            people.Add(new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetBoolean(4), reader.GetInt32(5)));
        return people;
    }

    public sealed record ApiKeyRow(long Id, string Prefix, string Name, string Role, string? Brewery, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

    public async Task<IReadOnlyList<ApiKeyRow>> ListApiKeysAsync(CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            SELECT k.id, k.key_prefix, k.name, k.role, b.slug, k.created_at, k.revoked_at
            FROM api_keys k LEFT JOIN breweries b ON b.id = k.brewery_id ORDER BY k.id
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<ApiKeyRow>();
        while (await reader.ReadAsync(ct))
            rows.Add(new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
        return rows;
    }

    /// <summary>Revokes a live key by its prefix (the 12 hex digits after <c>frigo_</c>); false if none is live.</summary>
    public async Task<bool> RevokeApiKeyAsync(string prefix, CancellationToken ct = default)
    {
        await using var command = db.Command("UPDATE api_keys SET revoked_at = now() WHERE key_prefix = $1 AND revoked_at IS NULL", prefix);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// The principal of a person whose password checks out and who is not disabled, or null. It carries a new
    /// session's id (<see cref="Sessions.SessionIdClaim"/>): the session, not the cookie, says whether it is
    /// still valid, and who it is now (role, brewery) — see <see cref="Sessions"/>.
    /// </summary>
    public async Task<ClaimsPrincipal?> SignInAsync(string username, string password, string scheme, CancellationToken ct)
    {
        await using var command = db.Command("""
            SELECT u.id, u.display_name, u.password_hash, u.role, u.brewery_id, b.slug, u.disabled_at IS NOT NULL
            FROM users u LEFT JOIN breweries b ON b.id = u.brewery_id WHERE u.username = $1
            """, username);
        SessionIdentity identity;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                Hasher.VerifyHashedPassword(username, DummyHash, password); // same time whether the user exists or not
                return null;
            }
            if (Hasher.VerifyHashedPassword(username, reader.GetString(2), password) == PasswordVerificationResult.Failed) return null;
            if (reader.GetBoolean(6)) return null; // disabled: same answer as a wrong password
            identity = new SessionIdentity(reader.GetInt64(0), username, reader.GetString(1), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetString(5), DateTimeOffset.MaxValue);
        }
        var sessionId = Sessions.NewId();
        await using var insert = db.Command("INSERT INTO user_sessions (id_hash, user_id, expires_at) VALUES ($1, $2, now() + $3)", Sessions.Hash(sessionId), identity.UserId, Sessions.Lifetime);
        await insert.ExecuteNonQueryAsync(ct);
        return Sessions.Principal(identity, sessionId, scheme);
    }

    /// <summary>Who a session is now, or null when it is unknown, revoked, past its lifetime, or its person is disabled.</summary>
    public async Task<SessionIdentity?> SessionAsync(string sessionId, CancellationToken ct)
    {
        await using var command = db.Command("""
            SELECT u.id, u.username, u.display_name, u.role, u.brewery_id, b.slug, s.expires_at
            FROM user_sessions s JOIN users u ON u.id = s.user_id LEFT JOIN breweries b ON b.id = u.brewery_id
            WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.disabled_at IS NULL
            """, Sessions.Hash(sessionId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new SessionIdentity(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6));
    }

    public async Task RevokeSessionAsync(string sessionId, CancellationToken ct)
    {
        await using var command = db.Command("UPDATE user_sessions SET revoked_at = now() WHERE id_hash = $1 AND revoked_at IS NULL", Sessions.Hash(sessionId));
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Disables (or enables again) a person; disabling ends every session of theirs at once. False if no such person.</summary>
    public async Task<bool> SetDisabledAsync(string username, bool disabled, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var person = connection.Command(transaction,
            "UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END WHERE username = $1 RETURNING id", username, disabled);
        if (await person.ExecuteScalarAsync(ct) is not long userId) return false;
        if (disabled)
        {
            await using var sessions = connection.Command(transaction, "UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL", userId);
            await sessions.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return true;
    }

    private static readonly string DummyHash = Hasher.HashPassword("nobody", Guid.NewGuid().ToString());

    private async Task<long?> BreweryIdAsync(string? slug, string role, CancellationToken ct)
    {
        if (role != Roles.Brewer)
        {
            if (slug is not null) throw new ArgumentException("only the brewer role is bound to a brewery", "brewery");
            return null;
        }
        if (slug is null) throw new ArgumentException("the brewer role needs --brewery <slug>", "brewery");
        await using var command = db.Command("SELECT id FROM breweries WHERE slug = $1", slug);
        return await command.ExecuteScalarAsync(ct) as long? ?? throw new ArgumentException($"no brewery with slug '{slug}'", "brewery");
    }
}
