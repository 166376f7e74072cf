using Inventory.Api.Infrastructure;
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

    private static async Task<Results<Ok<Me>, ValidationProblem, ProblemHttpResult>> SignInAsync(SignIn body, HttpContext http)
    {
        var v = new Validator()
            .Require(!string.IsNullOrWhiteSpace(body.Username) && body.Username.Length <= 64, "username", "is required (at most 64 characters)")
            .Require(!string.IsNullOrEmpty(body.Password) && body.Password.Length <= 1024, "password", "is required (at most 1024 characters)");
        if (!v.IsValid) return v.Problem();
        var (principal, wait) = await Sessions.SignInAsync(http, body.Username!, body.Password!);
        if (wait is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(title: "Too many sign-in attempts", detail: $"try again in {Math.Ceiling(retryAfter.TotalSeconds)} s", statusCode: 429);
        }
        if (principal is null) return TypedResults.Problem(title: "Sign-in failed", detail: "unknown username or wrong password", statusCode: 401);
        var caller = Caller.From(principal);
        return TypedResults.Ok(new Me(caller.Id, caller.Name, caller.Role, principal.FindFirst(Roles.BrewerySlugClaim)?.Value));
    }

    private static async Task<NoContent> SignOutAsync(HttpContext http, CancellationToken ct)
    {
        await Sessions.SignOutAsync(http);
        return TypedResults.NoContent();
    }
}

