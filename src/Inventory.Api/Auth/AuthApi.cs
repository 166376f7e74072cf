using System.Security.Claims;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inventory.Api.Auth;

public sealed record SignIn(string? Username, string? Password) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(!string.IsNullOrWhiteSpace(Username) && Username.Length <= 64, "username", "is required (at most 64 characters)")
        .Require(!string.IsNullOrEmpty(Password) && Password.Length <= 1024, "password", "is required (at most 1024 characters)");
}

public sealed record Me(string Id, string Name, string Role, string? Brewery)
{
    public static Me Of(Caller caller) => new(caller.Id, caller.Name, caller.Role, caller.BrewerySlug);
}

/// <summary>A person's new password, given with the current one.</summary>
public sealed record PasswordChange(string? CurrentPassword, string? NewPassword) : IValidatable
{
    public const int MinLength = 12;

    public void Validate(Validator v) => v
        .Require(!string.IsNullOrEmpty(CurrentPassword) && CurrentPassword.Length <= 1024, "currentPassword", "is required (at most 1024 characters)")
        .Require(NewPassword is { Length: >= MinLength and <= 1024 }, "newPassword", $"must be {MinLength} to 1024 characters")
        .Require(NewPassword is null || NewPassword != CurrentPassword, "newPassword", "must differ from the current password");
}

/// <summary>People sign in with a password and get a cookie; machines send <c>X-Api-Key</c>.</summary>
public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("auth")
            .WithTags("Auth");
        auth.MapPost("sign-in", SignInAsync)
            .WithName("SignIn")
            .WithSummary("Sign in with a username and password: sets the session cookie")
            .AllowAnonymous()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("sign-out", SignOutAsync)
            .WithName("SignOut")
            .WithSummary("End this session (on every replica at once)")
            .RequireAuthorization();
        auth.MapGet("me", (Caller caller) => TypedResults.Ok(Me.Of(caller)))
            .WithName("Me")
            .WithSummary("Who is calling: id, name, role and brewery")
            .RequireAuthorization();
        auth.MapPost("password", ChangePasswordAsync)
            .WithName("ChangePassword")
            .WithSummary("Change one's own password, giving the current one: one's other sessions end")
            .RequireAuthorization(Policies.People)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        // A forgotten password: anyone may ask (the answer says nothing of the account); the mailed code is the proof.
        auth.MapPost("password-reset", async (PasswordResetRequest body, PasswordResets resets, CancellationToken ct) =>
            {
                await resets.RequestAsync(body.Username!, ct);
                return TypedResults.NoContent();
            })
            .WithName("RequestPasswordReset")
            .WithSummary("Mail a password reset link to the person's confirmed address (three a day at most); the same answer whether or not the account exists or has one")
            .AllowAnonymous();
        auth.MapPost("password-reset/confirm", async Task<Results<NoContent, ProblemHttpResult>> (PasswordReset body, PasswordResets resets, AuthCache cache, CancellationToken ct) =>
            {
                if (!await resets.ResetAsync(body.Code!, body.NewPassword!, ct)) return Problems.NotFound("code", "password reset code (used, expired, replaced by a later one, or never sent)");
                cache.Invalidate(); // the sessions just ended are refused by this replica at once
                return TypedResults.NoContent();
            })
            .WithName("ResetPassword")
            .WithSummary("Set a new password with a reset mail's code (within the hour, once): every session of the person ends")
            .AllowAnonymous()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<Ok<Me>, ProblemHttpResult>> SignInAsync(SignIn body, HttpContext http)
    {
        var (principal, wait) = await Sessions.SignInAsync(http, body.Username!, body.Password!);
        if (wait is { } retryAfter) return TooManyAttempts(http, "Too many sign-in attempts", retryAfter);
        if (principal is null) return TypedResults.Problem(title: "Sign-in failed", detail: "unknown username or wrong password", statusCode: 401);
        return TypedResults.Ok(Me.Of(Caller.From(principal)));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePasswordAsync(PasswordChange body, HttpContext http,
        Accounts accounts, AuthCache cache, SignInThrottle throttle, CancellationToken ct)
    {
        // A person's session only: an API key has no password to change.
        if (http.User.FindFirstValue(Sessions.SessionIdClaim) is not { } sessionId
            || http.User.FindFirstValue(ClaimTypes.NameIdentifier) is not { } id || !long.TryParse(id.AsSpan("user:".Length), out var userId))
            return Problems.Forbidden("a password belongs to a person: sign in");
        // Whoever holds an open session (a tablet left signed in) could otherwise guess the current password as
        // fast as the API answers: the same throttle as sign-in, counting the same failures.
        var (name, address) = (Sessions.ThrottleName(http.User.Identity!.Name!), Sessions.ClientAddress(http));
        if (throttle.Attempt(name, address) is { } wait) return TooManyAttempts(http, "Too many password attempts", wait);
        if (!await accounts.ChangePasswordAsync(userId, http.User.Identity!.Name!, body.CurrentPassword!, body.NewPassword!, sessionId, ct))
        {
            throttle.Failed(name, address);
            return Problems.Invalid("currentPassword", "is not your current password");
        }
        throttle.Succeeded(name, address);
        cache.Invalidate(); // the sessions just ended are refused by this replica at once
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult TooManyAttempts(HttpContext http, string title, TimeSpan retryAfter)
    {
        http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(title: title, detail: $"try again in {Math.Ceiling(retryAfter.TotalSeconds)} s", statusCode: 429);
    }

    private static async Task<NoContent> SignOutAsync(HttpContext http, CancellationToken ct)
    {
        await Sessions.SignOutAsync(http);
        return TypedResults.NoContent();
    }
}

