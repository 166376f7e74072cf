using Inventory.Api.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Inventory.Api.FunctionalTests;

/// <summary>Each role × each capability: 401 without credentials, 403 when the role does not allow it.</summary>
public sealed class AuthorizationTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    public static TheoryData<string, string, string, int> Matrix => new()
    {
        // who, method, path, expected status
        { "anonymous", "GET", "/api/v1/breweries", 401 },
        { "anonymous", "GET", "/api/v1/stock", 401 },
        { "anonymous", "POST", "/api/v1/device-reports/sales", 401 },
        { "lead", "GET", "/api/v1/stock", 200 },
        { "lead", "POST", "/api/v1/breweries", 400 },
        { "brewer", "GET", "/api/v1/stock", 200 },
        { "brewer", "GET", "/api/v1/movements", 200 },
        { "brewer", "POST", "/api/v1/breweries", 403 },
        { "brewer", "POST", "/api/v1/locations", 403 },
        { "brewer", "PUT", "/api/v1/devices/fridge-x-01", 403 },
        { "brewer", "POST", "/api/v1/device-reports/sales", 403 },
        { "brewer-key", "GET", "/api/v1/stock", 200 },
        { "brewer-key", "POST", "/api/v1/device-reports/stock-counts", 403 },
        { "gateway", "GET", "/api/v1/stock", 403 },
        { "gateway", "GET", "/api/v1/breweries", 403 },
        { "gateway", "POST", "/api/v1/movements", 403 },
        { "gateway", "POST", "/api/v1/device-reports/sales", 400 },
        { "bad-key", "GET", "/api/v1/stock", 401 },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_reaches_only_what_it_may(string who, string method, string path, int expected)
    {
        var client = who switch
        {
            "anonymous" => api.Anonymous,
            "lead" => api.Lead,
            "brewer" => api.StFut,
            "brewer-key" => api.WithApiKey(api.BrewerKey),
            "gateway" => api.Gateway,
            "bad-key" => api.WithApiKey("frigo_000000000000_not-a-real-key"),
            _ => throw new ArgumentOutOfRangeException(nameof(who)),
        };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET") request.Content = JsonContent.Create(new { });

        var response = await client.SendAsync(request);

        Assert.Equal(expected, (int)response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_is_a_401_and_signing_out_ends_the_session()
    {
        var wrong = await api.NewClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { username = "lea", password = "not it at all" });
        await ProblemAssert.HasStatusAsync(wrong, HttpStatusCode.Unauthorized);

        var client = await api.SignedInAsync("marie");
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        Assert.Equal(("brewer", "aube"), (me.GetProperty("role").GetString(), me.GetProperty("brewery").GetString()));
        await client.PostAsync("/api/v1/auth/sign-out", null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Passwords_and_keys_are_stored_hashed()
    {
        await using var connection = new Npgsql.NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var users = new Npgsql.NpgsqlCommand("SELECT password_hash FROM users WHERE username = 'lea'", connection);
        var hash = (string)(await users.ExecuteScalarAsync())!;
        Assert.DoesNotContain(InventoryApi.Password, hash);
        Assert.True(hash.Length > 40);
        await using var keys = new Npgsql.NpgsqlCommand("SELECT count(*) FROM api_keys WHERE encode(key_hash, 'escape') LIKE '%' || $1 || '%'", connection);
        keys.Parameters.Add(new() { Value = api.GatewayKey.Split('_', 3)[2] });
        Assert.Equal(0L, await keys.ExecuteScalarAsync());
    }
}

public sealed class ApiKeyAdministrationTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private static readonly object EmptyReport = new { };

    [Fact]
    public async Task A_key_made_with_replace_revokes_the_live_keys_of_its_name_so_a_script_run_ten_times_leaves_one()
    {
        var accounts = api.Services.GetRequiredService<Accounts>();
        var keys = new List<string>();
        for (var run = 0; run < 10; run++)
            keys.Add(await accounts.CreateApiKeyAsync("local gateway", Roles.Gateway, null, replace: true));

        var live = (await accounts.ListApiKeysAsync()).Where(k => k.Name == "local gateway" && k.RevokedAt is null).ToList();
        Assert.Single(live);
        Assert.True(Inventory.Api.Auth.ApiKeys.TryParsePrefix(keys[^1], out var newest));
        Assert.Equal(newest, live[0].Prefix);
        // The replaced key is refused; the newest answers as a gateway (400: the empty report is bad input).
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.WithApiKey(keys[0]).PostAsJsonAsync("/api/v1/device-reports/sales", EmptyReport)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.WithApiKey(keys[^1]).PostAsJsonAsync("/api/v1/device-reports/sales", EmptyReport)).StatusCode);
        // Other keys are not touched by a replace of another name.
        Assert.Contains(await accounts.ListApiKeysAsync(), k => k.Name == "gateway" && k.RevokedAt is null);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_and_revoking_it_again_says_no_live_key()
    {
        var accounts = api.Services.GetRequiredService<Accounts>();
        var key = await accounts.CreateApiKeyAsync("to revoke", Roles.Gateway, null);
        Assert.True(Inventory.Api.Auth.ApiKeys.TryParsePrefix(key, out var prefix));

        Assert.True(await accounts.RevokeApiKeyAsync(prefix));
        Assert.False(await accounts.RevokeApiKeyAsync(prefix));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.WithApiKey(key).PostAsJsonAsync("/api/v1/device-reports/sales", EmptyReport)).StatusCode);
        Assert.Contains(await accounts.ListApiKeysAsync(), k => k.Prefix == prefix && k.RevokedAt is not null);
    }
}

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void Every_generated_key_parses_back_to_its_prefix_even_when_its_secret_holds_underscores()
    {
        for (var i = 0; i < 2000; i++)
        {
            var (key, prefix, hash) = Inventory.Api.Auth.ApiKeys.Create();
            Assert.True(Inventory.Api.Auth.ApiKeys.TryParsePrefix(key, out var parsed), key);
            Assert.Equal(prefix, parsed);
            Assert.True(Inventory.Api.Auth.ApiKeys.Matches(key, hash));
        }
    }
}
