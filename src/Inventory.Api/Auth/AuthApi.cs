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
        auth.MapPost("sign-in", SignInAsync).WithName("SignIn").AllowAnonymous().RequireRateLimiting(RateLimits.SignIn);
        auth.MapPost("sign-out", SignOutAsync).WithName("SignOut").RequireAuthorization();
        auth.MapGet("me", (HttpContext http) =>
        {
            var caller = Caller.From(http.User);
            return TypedResults.Ok(new Me(caller.Id, caller.Name, caller.Role, http.User.FindFirst(Roles.BrewerySlugClaim)?.Value));
        }).WithName("Me").RequireAuthorization();
        return api;
    }

    private static async Task<Results<Ok<Me>, ValidationProblem, ProblemHttpResult>> SignInAsync(SignIn body, HttpContext http, Accounts accounts, CancellationToken ct)
    {
        var v = new Validator()
            .Require(!string.IsNullOrWhiteSpace(body.Username), "username", "is required")
            .Require(!string.IsNullOrEmpty(body.Password), "password", "is required");
        if (!v.IsValid) return v.Problem();
        var principal = await accounts.SignInAsync(body.Username!.Trim().ToLowerInvariant(), body.Password!, CookieAuthenticationDefaults.AuthenticationScheme, ct);
        if (principal is null) return TypedResults.Problem(title: "Sign-in failed", detail: "unknown username or wrong password", statusCode: 401);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        var caller = Caller.From(principal);
        return TypedResults.Ok(new Me(caller.Id, caller.Name, caller.Role, principal.FindFirst(Roles.BrewerySlugClaim)?.Value));
    }

    private static async Task<NoContent> SignOutAsync(HttpContext http, CancellationToken ct)
    {
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }
}

public static class RateLimits
{
    public const string SignIn = "sign-in";
}
