using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Inventory.Api.Auth;

/// <summary>A sign-in: the person signed in, or refused (<see cref="RetryAfter"/> set when the throttle holds them back).</summary>
public sealed record SignInOutcome(ClaimsPrincipal? Principal, TimeSpan? RetryAfter);

/// <summary>Who a session belongs to, as the database says now.</summary>
public sealed record SessionIdentity(long UserId, string Username, string DisplayName, string Role, long? BreweryId, string? BrewerySlug, DateTimeOffset ExpiresAt);

/// <summary>
/// People's sessions, kept in PostgreSQL (<c>user_sessions</c>) and checked on every request: the cookie
/// only carries the session's id. Signing out revokes it, disabling a person revokes all theirs, and a
/// change of role or brewery is seen on the next request. A session lasts at most <see cref="Lifetime"/>
/// from sign-in, and the cookie lapses after <see cref="IdleTimeout"/> without use.
/// </summary>
public static class Sessions
{
    public const string SessionIdClaim = "frigo:sid";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(2);

    public static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(string sessionId) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sessionId));

    public static ClaimsPrincipal Principal(SessionIdentity who, string sessionId, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, $"user:{who.UserId}"),
            new(ClaimTypes.Name, who.Username),
            new("display_name", who.DisplayName),
            new(ClaimTypes.Role, who.Role),
            new(SessionIdClaim, sessionId),
        };
        if (who.BreweryId is { } brewery)
        {
            claims.Add(new(Roles.BreweryIdClaim, brewery.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            claims.Add(new(Roles.BrewerySlugClaim, who.BrewerySlug!));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    /// <summary>Who the guessing throttle counts: a username as typed at sign-in, and the address it came from.</summary>
    public static string ThrottleName(string username) => username.Trim().ToLowerInvariant();

    public static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>
    /// Both sign-in paths (the API's and the dashboard's form): the guessing throttle first, then the password;
    /// a person who checks out is signed in here (cookie) with a new session. Over-long input is a failed try.
    /// </summary>
    public static async Task<SignInOutcome> SignInAsync(HttpContext http, string username, string password)
    {
        var throttle = http.RequestServices.GetRequiredService<SignInThrottle>();
        var name = ThrottleName(username);
        var address = ClientAddress(http);
        if (throttle.Attempt(name, address) is { } wait) return new(null, wait);
        var principal = name.Length > 64 || password.Length > 1024 ? null
            : await http.RequestServices.GetRequiredService<Accounts>().SignInAsync(name, password, CookieAuthenticationDefaults.AuthenticationScheme, http.RequestAborted);
        if (principal is null)
        {
            throttle.Failed(name, address);
            return new(null, null);
        }
        throttle.Succeeded(name, address);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return new(principal, null);
    }

    /// <summary>The cookie handler's check on every request: the session must still be valid, and the principal is who it is now.</summary>
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var sessionId = context.Principal?.FindFirstValue(SessionIdClaim);
        var who = sessionId is null ? null : await LookUpAsync(context.HttpContext, sessionId);
        if (who is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        var current = context.Principal!;
        if (current.FindFirstValue(ClaimTypes.Role) != who.Role || current.FindFirstValue(Roles.BreweryIdClaim) != who.BreweryId?.ToString(System.Globalization.CultureInfo.InvariantCulture)
            || current.FindFirstValue("display_name") != who.DisplayName)
        {
            context.ReplacePrincipal(Principal(who, sessionId!, CookieAuthenticationDefaults.AuthenticationScheme));
            context.ShouldRenew = true;
        }
    }

    private static async Task<SessionIdentity?> LookUpAsync(HttpContext http, string sessionId)
    {
        var cache = http.RequestServices.GetRequiredService<AuthCache>();
        var key = "session:" + Convert.ToHexString(Hash(sessionId));
        if (cache.TryGet<SessionIdentity>(key, out var known))
            return known is not null && known.ExpiresAt > http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() ? known : null;
        var startedAt = cache.Generation;
        var who = await http.RequestServices.GetRequiredService<Accounts>().SessionAsync(sessionId, http.RequestAborted);
        cache.Store(key, startedAt, who);
        return who;
    }

    /// <summary>Signs the person out here and ends the session everywhere.</summary>
    public static async Task SignOutAsync(HttpContext http)
    {
        if (http.User.FindFirstValue(SessionIdClaim) is { } sessionId)
            await http.RequestServices.GetRequiredService<Accounts>().RevokeSessionAsync(sessionId, http.RequestAborted);
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
