using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace Inventory.Api.Auth;

public sealed record Person(string Username, string DisplayName, string Role, string? Brewery, bool Disabled, int LiveSessions);

/// <summary>A new API key for a script or a gateway: a name, a role, and for a brewer's key its brewery.</summary>
public sealed record NewApiKey(string? Name, string? Role, string? Brewery) : Infrastructure.IValidatable
{
    public void Validate(Infrastructure.Validator v) => v
        .Require(!string.IsNullOrWhiteSpace(Name) && Name.Length <= 80, "name", "is required (at most 80 characters)")
        .Require(Role is not null && Roles.All.Contains(Role), "role", $"must be one of {string.Join(", ", Roles.All)}")
        .Require((Role == Roles.Brewer) == (Brewery is not null), "brewery", "is required for a brewer's key, and only for one");
}

/// <summary>A new person: a username to sign in with, a name, a role, and for a brewer their brewery.</summary>
public sealed record NewPerson(string? Username, string? DisplayName, string? Role, string? Brewery) : Infrastructure.IValidatable
{
    public void Validate(Infrastructure.Validator v) => v
        .Require(Username is not null && Infrastructure.Patterns.Username().IsMatch(Username), "username", "must be 2 to 63 characters: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit (" + Infrastructure.Patterns.UsernamePattern + ")")
        .Require(!string.IsNullOrWhiteSpace(DisplayName) && DisplayName.Length <= 80, "displayName", "is required (at most 80 characters)")
        .Require(Role is not null && Roles.People.Contains(Role), "role", $"must be one of {string.Join(", ", Roles.People)}")
        .Require((Role == Roles.Brewer) == (Brewery is not null), "brewery", "is required for a brewer, and only for one");
}

/// <summary>The person made, with a first password shown once: they change it after signing in (/avis).</summary>
public sealed record PersonCreated(string Username, string DisplayName, string Role, string? Brewery, string FirstPassword);

/// <summary>The key, shown once: only its hash is kept.</summary>
public sealed record ApiKeyCreated(string Key, string Prefix, string Name, string Role, string? Brewery);

/// <summary>
/// The lead's hand on people and keys, the same as <c>Inventory.Api admin disable-user|enable-user|list-keys|revoke-key</c>:
/// disabling a person ends every session of theirs at once, on every replica.
/// </summary>
public static class PeopleApi
{
    public static RouteGroupBuilder MapPeopleApi(this RouteGroupBuilder api)
    {
        var people = api.MapGroup("people")
            .WithTags("People")
            .RequireAuthorization(Policies.Lead);
        people.MapGet("", async (Accounts accounts, CancellationToken ct) => TypedResults.Ok(await accounts.ListPeopleAsync(ct)))
            .WithName("ListPeople")
            .WithSummary("People with an account, whether disabled, and their live sessions");
        people.MapPost("", AddPersonAsync)
            .WithName("AddPerson")
            .WithSummary("A new person with a first password (shown once in the answer); a username that exists is refused, never changed")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        people.MapPost("{username}/disable", (string username, Accounts accounts, AuthCache cache, CancellationToken ct) => SetDisabledAsync(username, true, accounts, cache, ct))
            .WithName("DisablePerson")
            .WithSummary("Refuse a person's sign-in and end all their sessions at once");
        people.MapPost("{username}/enable", (string username, Accounts accounts, AuthCache cache, CancellationToken ct) => SetDisabledAsync(username, false, accounts, cache, ct))
            .WithName("EnablePerson")
            .WithSummary("Let a disabled person sign in again");

        var keys = api.MapGroup("api-keys")

            .WithTags("People")

            .RequireAuthorization(Policies.Lead);
        keys.MapGet("", async (Accounts accounts, CancellationToken ct) => TypedResults.Ok(await accounts.ListApiKeysAsync(ct)))
            .WithName("ListApiKeys")
            .WithSummary("Every API key: prefix, name, role, brewery, created, revoked (never the key)");
        keys.MapPost("", CreateKeyAsync)
            .WithName("CreateApiKey")
            .WithSummary("A new API key (shown once in the answer; only its hash is kept)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        keys.MapPost("{prefix}/revoke", async Task<Results<NoContent, ProblemHttpResult>> (string prefix, Accounts accounts, AuthCache cache, CancellationToken ct) =>
                await accounts.RevokeApiKeyAsync(prefix, ct) ? Changed(cache) : Infrastructure.Problems.NotFound("prefix", $"live API key {prefix}"))
            .WithName("RevokeApiKey")
            .WithSummary("Revoke a key: refused by every replica within a second");
        return api;
    }

    private static async Task<Results<Created<PersonCreated>, ProblemHttpResult>> AddPersonAsync(NewPerson body, Accounts accounts, Npgsql.NpgsqlDataSource db,
        ILogger<Accounts> log, Caller caller, HttpContext http, CancellationToken ct)
    {
        Dashboard.Compression.Refuse(http); // the answer holds the password beside the names the caller typed (BREACH)
        http.Response.Headers.CacheControl = "no-store";
        if (body.Brewery is not null && await Infrastructure.Lookup.BreweryIdAsync(db, body.Brewery, ct) is null)
            return Infrastructure.Problems.NotFound("brewery", $"brewery {body.Brewery}");
        // 18 random bytes: 24 characters to type once, then changed by the person.
        var password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        var username = body.Username!.ToLowerInvariant();
        if (await accounts.AddUserAsync(username, body.DisplayName!.Trim(), password, body.Role!, body.Brewery, ct) is null)
            return Infrastructure.Problems.Conflict("Person exists", $"username '{username}' is taken", new Dictionary<string, object?> { ["field"] = "username" });
        log.LogInformation("Person {Username} ({Role}) added by {Caller}", username, body.Role, caller.Name);
        return TypedResults.Created($"/api/v1/people/{username}", new PersonCreated(username, body.DisplayName.Trim(), body.Role!, body.Brewery, password));
    }

    private static async Task<Results<Created<ApiKeyCreated>, ProblemHttpResult>> CreateKeyAsync(NewApiKey body, Accounts accounts, Npgsql.NpgsqlDataSource db,
        ILogger<Accounts> log, Caller caller, HttpContext http, CancellationToken ct)
    {
        Dashboard.Compression.Refuse(http); // the answer holds the key beside the name the caller typed (BREACH)
        if (body.Brewery is not null && await Infrastructure.Lookup.BreweryIdAsync(db, body.Brewery, ct) is null)
            return Infrastructure.Problems.NotFound("brewery", $"brewery {body.Brewery}");
        var key = await accounts.CreateApiKeyAsync(body.Name!.Trim(), body.Role!, body.Brewery, ct: ct);
        ApiKeys.TryParsePrefix(key, out var prefix);
        log.LogInformation("API key {Prefix} ({Name}, {Role}) created by {Caller}", prefix, body.Name, body.Role, caller.Name);
        return TypedResults.Created($"/api/v1/api-keys/{prefix}", new ApiKeyCreated(key, prefix, body.Name!.Trim(), body.Role!, body.Brewery));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetDisabledAsync(string username, bool disabled, Accounts accounts, AuthCache cache, CancellationToken ct) =>
        await accounts.SetDisabledAsync(username.ToLowerInvariant(), disabled, ct) ? Changed(cache) : Infrastructure.Problems.NotFound("username", $"person {username}");

    /// <summary>
    /// This replica forgets what it knew of sessions and keys before answering: the lead's next request
    /// already sees the change (the auth_changed notification tells the other replicas, a moment later).
    /// </summary>
    private static NoContent Changed(AuthCache cache)
    {
        cache.Invalidate();
        return TypedResults.NoContent();
    }
}
