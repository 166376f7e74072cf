using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inventory.Api.Auth;

public sealed record SignIn(string? Username, string? Password);
public sealed record Me(string Id, string Name, string Role, string? Brewery);

/// <summary>People sign in with a password and get a cookie; machines send <c>X-Api-Key</c>.</summary>
public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("auth").WithTags("Auth");
        auth.MapPost("sign-in", SignInAsync).WithName("SignIn").AllowAnonymous();
        auth.MapPost("sign-out", SignOutAsync).WithName("SignOut").RequireAuthorization();
        auth.MapGet("me", (HttpContext http) =>
        {
            var caller = Caller.From(http.User);
            return TypedResults.Ok(new Me(caller.Id, caller.Name, caller.Role, http.User.FindFirst(Roles.BrewerySlugClaim)?.Value));
        }).WithName("Me").RequireAuthorization();
        return api;
    }

    private static async Task<Results<Ok<Me>, ValidationProblem, ProblemHttpResult>> SignInAsync(SignIn body, HttpContext http, Accounts accounts,
        SignInThrottle throttle, CancellationToken ct)
    {
        var v = new Validator()
            .Require(!string.IsNullOrWhiteSpace(body.Username) && body.Username.Length <= 64, "username", "is required (at most 64 characters)")
            .Require(!string.IsNullOrEmpty(body.Password) && body.Password.Length <= 1024, "password", "is required (at most 1024 characters)");
        if (!v.IsValid) return v.Problem();
        var username = body.Username!.Trim().ToLowerInvariant();
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.Attempt(username, address) is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(title: "Too many sign-in attempts", detail: $"try again in {Math.Ceiling(wait.TotalSeconds)} s", statusCode: 429);
        }
        var principal = await accounts.SignInAsync(username, body.Password!, CookieAuthenticationDefaults.AuthenticationScheme, ct);
        if (principal is null)
        {
            throttle.Failed(username, address);
            return TypedResults.Problem(title: "Sign-in failed", detail: "unknown username or wrong password", statusCode: 401);
        }
        throttle.Succeeded(username, address);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        var caller = Caller.From(principal);
        return TypedResults.Ok(new Me(caller.Id, caller.Name, caller.Role, principal.FindFirst(Roles.BrewerySlugClaim)?.Value));
    }

    private static async Task<NoContent> SignOutAsync(HttpContext http, CancellationToken ct)
    {
        await Sessions.SignOutAsync(http);
        return TypedResults.NoContent();
    }
}

