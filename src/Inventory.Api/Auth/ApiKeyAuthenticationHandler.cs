using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Inventory.Api.Auth;

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header against the hashed keys in PostgreSQL. What a key turned out
/// to be is remembered in <see cref="AuthCache"/> (by its hash, never the key itself): kept exact by the
/// <c>auth_changed</c> notification, so a revoked key is refused on every replica within a notification's
/// delay. A key that matched nothing is refused from memory for a while, and a client address whose keys
/// failed <see cref="FailuresPerMinute"/> times in a minute gets no more look-ups until the minute is over:
/// a flood of bad keys never reaches the 8-connection pool that real users need.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, NpgsqlDataSource db, AuthCache cache,
    ApiKeyLookupLimiter lookups, IOptions<GatewayNetworkOptions> gatewayNetworks)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const int FailuresPerMinute = 30;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values)) return AuthenticateResult.NoResult();
        var key = values.ToString();
        if (!ApiKeys.TryParsePrefix(key, out var prefix)) return AuthenticateResult.Fail("malformed API key");
        var keyHash = Convert.ToHexString(ApiKeys.Hash(key));
        if (cache.IsRefused(keyHash)) return AuthenticateResult.Fail("unknown or revoked API key");
        var cacheKey = "api-key:" + keyHash;
        if (cache.TryGet<Claim[]>(cacheKey, out var known))
            return known is null ? AuthenticateResult.Fail("unknown or revoked API key") : Success(known);
        return await LookUpAsync(key, prefix, keyHash, cacheKey);
    }

    private async Task<AuthenticateResult> LookUpAsync(string key, string prefix, string keyHash, string cacheKey)
    {
        var address = Context.Connection.RemoteIpAddress;
        if (!lookups.MayLookUp(address)) return AuthenticateResult.Fail("too many unknown API keys from this address");

        var startedAt = cache.Generation;
        await using var command = db.Command("""
            SELECT k.id, k.name, k.key_hash, k.role, k.brewery_id, b.slug
            FROM api_keys k LEFT JOIN breweries b ON b.id = k.brewery_id
            WHERE k.key_prefix = $1 AND k.revoked_at IS NULL
            """, prefix);
        await using var reader = await command.ExecuteReaderAsync(Context.RequestAborted);
        if (!await reader.ReadAsync(Context.RequestAborted) || !ApiKeys.Matches(key, (byte[])reader["key_hash"]))
        {
            cache.Refuse(keyHash);
            lookups.Failed(address);
            return AuthenticateResult.Fail("unknown or revoked API key");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, $"key:{reader.GetInt64(0)}"),
            new(ClaimTypes.Name, reader.GetString(1)),
            new(ClaimTypes.Role, reader.GetString(3)),
        };
        if (!reader.IsDBNull(4))
        {
            claims.Add(new(Roles.BreweryIdClaim, reader.GetInt64(4).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            claims.Add(new(Roles.BrewerySlugClaim, reader.GetString(5)));
        }
        cache.Store(cacheKey, startedAt, claims.ToArray());
        return Success(claims.ToArray());
    }

    private AuthenticateResult Success(Claim[] claims)
    {
        // The gateway's key from outside the stack's network is somebody else holding it.
        if (claims.Any(c => c.Type == ClaimTypes.Role && c.Value == Roles.Gateway) && !gatewayNetworks.Value.Allows(Context.Connection.RemoteIpAddress))
            return AuthenticateResult.Fail("the gateway's key works from the stack's own network only");
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }
}

/// <summary>Unknown API keys per client address and minute, past which its keys are not looked up any more that minute.</summary>
public sealed class ApiKeyLookupLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = ApiKeyAuthenticationHandler.FailuresPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));

    /// <summary>Whether this address has failures left this minute (asking takes none).</summary>
    public bool MayLookUp(System.Net.IPAddress? address)
    {
        using var lease = _failures.AttemptAcquire(Key(address), 0);
        return lease.IsAcquired;
    }

    public void Failed(System.Net.IPAddress? address) => _failures.AttemptAcquire(Key(address)).Dispose();

    private static string Key(System.Net.IPAddress? address) => address?.ToString() ?? "unknown";

    public void Dispose() => _failures.Dispose();
}
