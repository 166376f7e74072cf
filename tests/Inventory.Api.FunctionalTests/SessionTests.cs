using Inventory.Api.Auth;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// Sessions and keys that can be ended (issue 15): against the real PostgreSQL, with a second API
/// instance on the same database where a test needs "every replica".
/// </summary>
public sealed class SessionTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private Accounts Accounts => api.Services.GetRequiredService<Accounts>();

    private async Task<string> NewBrewerAsync(string brewery = "saint-fut")
    {
        var username = $"b{Guid.NewGuid():N}"[..12];
        await Accounts.CreateUserAsync(username, "Brasseur de passage", InventoryApi.Password, Roles.Brewer, brewery);
        return username;
    }

    private async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values) command.Parameters.Add(new() { Value = value });
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<HttpStatusCode> MeAsync(HttpClient client) => (await client.GetAsync("/api/v1/auth/me")).StatusCode;

    /// <summary>A client of <paramref name="factory"/> that sends this cookie (as a stolen or copied cookie would be sent).</summary>
    private static HttpClient WithCookie(WebApplicationFactory<Program> factory, string cookie)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    private static async Task<string> SignInCookieAsync(HttpClient anonymous, string username)
    {
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/sign-in", new { username, password = InventoryApi.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("frigo.auth=", StringComparison.Ordinal)).Split(';')[0];
    }

    [Fact]
    public async Task Signing_out_ends_the_session_for_every_copy_of_the_cookie()
    {
        var cookie = await SignInCookieAsync(api.NewClient(), await NewBrewerAsync());
        var copy = WithCookie(api.NewReplica(), cookie);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(copy));

        var mine = WithCookie(api.NewReplica(), cookie);
        Assert.Equal(HttpStatusCode.NoContent, (await mine.PostAsync("/api/v1/auth/sign-out", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(copy));
    }

    [Fact]
    public async Task A_disabled_person_is_refused_at_once_on_every_replica_and_cannot_sign_in_until_enabled()
    {
        var username = await NewBrewerAsync();
        var cookie = await SignInCookieAsync(api.NewClient(), username);
        await using var replica = api.NewReplica();
        var here = WithCookie(api.NewReplica(), cookie);
        var there = WithCookie(replica, cookie);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(here));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(there)); // both replicas now remember the session

        Assert.True(await Accounts.SetDisabledAsync(username, disabled: true));

        await Eventually.Returns(() => MeAsync(there), s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1), "the other replica to refuse the session");
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(here));
        var refused = await api.NewClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { username, password = InventoryApi.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        Assert.True(await Accounts.SetDisabledAsync(username, disabled: false));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(here)); // enabling does not bring old sessions back
        await SignInCookieAsync(api.NewClient(), username);
        Assert.False(await Accounts.SetDisabledAsync("nobody-at-all", disabled: true));
    }

    [Fact]
    public async Task A_change_of_brewery_or_role_takes_effect_on_the_next_request()
    {
        var username = await NewBrewerAsync("saint-fut");
        var client = await api.SignedInAsync(username);
        Assert.Equal("saint-fut", (await client.GetFromJsonAsync<JsonElement>("/api/v1/auth/me")).GetProperty("brewery").GetString());

        await Accounts.CreateUserAsync(username, "Brasseur de passage", InventoryApi.Password, Roles.Brewer, "aube");
        var me = await Eventually.Returns(() => client.GetFromJsonAsync<JsonElement>("/api/v1/auth/me"),
            m => m.GetProperty("brewery").GetString() == "aube", TimeSpan.FromSeconds(1), "the new brewery");

        await Accounts.CreateUserAsync(username, "Brasseur de passage", InventoryApi.Password, Roles.Lead, null);
        me = await Eventually.Returns(() => client.GetFromJsonAsync<JsonElement>("/api/v1/auth/me"),
            m => m.GetProperty("role").GetString() == "lead", TimeSpan.FromSeconds(1), "the new role");
        Assert.Equal(JsonValueKind.Null, me.GetProperty("brewery").ValueKind);
    }

    [Fact]
    public async Task A_session_past_its_twelve_hours_is_refused_however_recently_it_was_used()
    {
        var username = await NewBrewerAsync();
        var client = await api.SignedInAsync(username);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(client));

        // Twelve hours later, as far as the session is concerned (its cookie slid along meanwhile).
        await ExecuteAsync("""
            UPDATE user_sessions SET created_at = now() - interval '13 hours', expires_at = now() - interval '1 hour'
            WHERE user_id = (SELECT id FROM users WHERE username = $1)
            """, username);

        await Eventually.Returns(() => MeAsync(client), s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1), "the session to be over");
        Assert.Equal(Sessions.Lifetime, TimeSpan.FromHours(12));
    }

    [Fact]
    public async Task The_lead_disables_a_person_and_revokes_a_key_through_the_api_and_a_brewer_may_not()
    {
        var username = await NewBrewerAsync();
        var brewer = await api.SignedInAsync(username);
        Assert.Equal(HttpStatusCode.Forbidden, (await brewer.PostAsync($"/api/v1/people/{username}/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await brewer.GetAsync("/api/v1/api-keys")).StatusCode);

        var people = await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/people");
        var row = people!.Single(p => p.GetProperty("username").GetString() == username);
        Assert.Equal((1, false), (row.GetProperty("liveSessions").GetInt32(), row.GetProperty("disabled").GetBoolean()));

        Assert.Equal(HttpStatusCode.NoContent, (await api.Lead.PostAsync($"/api/v1/people/{username}/disable", null)).StatusCode);
        await Eventually.Returns(() => MeAsync(brewer), s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1), "the disabled person to be refused");
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsync("/api/v1/people/nobody-here/disable", null), HttpStatusCode.NotFound, "username");

        var key = await Accounts.CreateApiKeyAsync("revoked by the lead", Roles.Brewer, "saint-fut");
        Assert.True(ApiKeys.TryParsePrefix(key, out var prefix));
        Assert.Equal(HttpStatusCode.OK, (await api.WithApiKey(key).GetAsync("/api/v1/stock")).StatusCode);
        var listed = await api.Lead.GetStringAsync("/api/v1/api-keys");
        Assert.Contains(prefix, listed);
        Assert.DoesNotContain(key, listed);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Lead.PostAsync($"/api/v1/api-keys/{prefix}/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.WithApiKey(key).GetAsync("/api/v1/stock")).StatusCode);
    }

    [Fact]
    public async Task A_key_revoked_in_the_database_is_refused_by_every_replica_within_a_second()
    {
        var key = await Accounts.CreateApiKeyAsync("to revoke everywhere", Roles.Brewer, "saint-fut");
        await using var replica = api.NewReplica();
        var here = api.WithApiKey(key);
        var there = replica.CreateClient();
        there.DefaultRequestHeaders.Add("X-Api-Key", key);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/api/v1/stock")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await there.GetAsync("/api/v1/stock")).StatusCode); // remembered by both

        Assert.True(ApiKeys.TryParsePrefix(key, out var prefix));
        await ExecuteAsync("UPDATE api_keys SET revoked_at = now() WHERE key_prefix = $1", prefix); // as an operator's psql would

        await Eventually.Returns(async () => (await here.GetAsync("/api/v1/stock")).StatusCode, s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1), "this replica to refuse");
        await Eventually.Returns(async () => (await there.GetAsync("/api/v1/stock")).StatusCode, s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1), "the other replica to refuse");
    }
}

/// <summary>Guessing, on a fixture of its own (the limits count per client address, and the test server has one).</summary>
public sealed class GuessingTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    [Fact]
    public async Task Wrong_passwords_past_five_make_that_username_wait_with_retry_after_on_both_sign_in_paths()
    {
        var client = api.NewClient();
        for (var i = 0; i < SignInThrottle.FreeFailures; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { username = "lea", password = $"guess {i}" })).StatusCode);

        var locked = await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { username = "lea", password = InventoryApi.Password });
        await ProblemAssert.HasStatusAsync(locked, HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(locked.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 30);
        // The dashboard's form is the same door.
        var page = await client.GetStringAsync("/connexion");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var form = await client.PostAsync("/connexion", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "lea", ["password"] = InventoryApi.Password, ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.TooManyRequests, form.StatusCode);
        // Another username from the same address is not locked.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { username = "marie", password = InventoryApi.Password })).StatusCode);
    }

    [Fact]
    public async Task A_flood_of_bad_keys_stops_reaching_the_database_after_thirty_a_minute()
    {
        var accounts = api.Services.GetRequiredService<Accounts>();
        Assert.Equal(HttpStatusCode.OK, (await api.WithApiKey(api.BrewerKey).GetAsync("/api/v1/stock")).StatusCode); // known from now on
        for (var i = 0; i < ApiKeyAuthenticationHandler.FailuresPerMinute; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.WithApiKey($"frigo_{i:D12}_not-a-key").GetAsync("/api/v1/stock")).StatusCode);

        // A real key never seen before is not even looked up from this address for the rest of the minute:
        // proof that the flood no longer costs PostgreSQL anything.
        var fresh = await accounts.CreateApiKeyAsync("fresh", Roles.Brewer, "saint-fut");
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.WithApiKey(fresh).GetAsync("/api/v1/stock")).StatusCode);
        // A key this replica already knows keeps working.
        Assert.Equal(HttpStatusCode.OK, (await api.WithApiKey(api.BrewerKey).GetAsync("/api/v1/stock")).StatusCode);
    }
}

/// <summary>Without the listener (<c>Stock__CacheReads=false</c>, behind a transaction pooler) a key still ends within a second.</summary>
public sealed class UnlistenedSessionTests(UncachedInventoryApi api) : IClassFixture<UncachedInventoryApi>
{
    [Fact]
    public async Task A_key_revoked_without_a_listener_is_refused_within_a_second()
    {
        var accounts = api.Services.GetRequiredService<Accounts>();
        var key = await accounts.CreateApiKeyAsync("unlistened", Roles.Brewer, "saint-fut");
        var client = api.WithApiKey(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/stock")).StatusCode);
        Assert.True(ApiKeys.TryParsePrefix(key, out var prefix));

        Assert.True(await accounts.RevokeApiKeyAsync(prefix));

        await Eventually.Returns(async () => (await client.GetAsync("/api/v1/stock")).StatusCode, s => s == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(1.5), "the revoked key to be refused");
    }
}
