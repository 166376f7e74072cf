using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Inventory.Api.Auth;

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header against the hashed keys in PostgreSQL. A key that checked
/// out is remembered for <see cref="CacheFor"/> (by its hash, never the key itself), so a script's
/// every request does not cost a database round trip; a revoked key stops working within that time.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, NpgsqlDataSource db, IMemoryCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(60);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values)) return AuthenticateResult.NoResult();
        var key = values.ToString();
        if (!ApiKeys.TryParsePrefix(key, out var prefix)) return AuthenticateResult.Fail("malformed API key");
        var cacheKey = "api-key:" + Convert.ToHexString(ApiKeys.Hash(key));
        if (cache.TryGetValue(cacheKey, out Claim[]? known))
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(known, SchemeName)), SchemeName));

        await using var command = db.CreateCommand("""
            SELECT k.id, k.name, k.key_hash, k.role, k.brewery_id, b.slug
            FROM api_keys k LEFT JOIN breweries b ON b.id = k.brewery_id
            WHERE k.key_prefix = $1 AND k.revoked_at IS NULL
            """);
        command.Parameters.Add(new() { Value = prefix });
        await using var reader = await command.ExecuteReaderAsync(Context.RequestAborted);
        if (!await reader.ReadAsync(Context.RequestAborted) || !ApiKeys.Matches(key, (byte[])reader["key_hash"]))
            return AuthenticateResult.Fail("unknown or revoked API key");

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
        cache.Set(cacheKey, claims.ToArray(), CacheFor);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }
}
