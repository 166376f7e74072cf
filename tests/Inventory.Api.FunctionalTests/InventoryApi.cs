using Inventory.Api.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// The API in-process against a PostgreSQL database of its own (real PostgreSQL, from the project's
/// scripts), with a lead, two brewers, a gateway key and a small catalogue.
/// It gets one pooled connection: a request that would wait for a second connection while holding the
/// first (a deadlock once a production pool is busy) fails its test within 4 s.
/// </summary>
public class InventoryApi : IAsyncLifetime
{
    /// <summary>Connection string settings of the API's pool.</summary>
    protected virtual string PoolSettings => "Maximum Pool Size=1;Timeout=4";

    /// <summary>Settings a derived fixture changes, as configuration keys (e.g. <c>Stock:CacheReads</c>).</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    private TestDatabase _database = null!;
    private WebApplicationFactory<Program> _factory = null!;

    public const string Password = "correct horse battery";

    public HttpClient Anonymous { get; private set; } = null!;
    public HttpClient Lead { get; private set; } = null!;
    public HttpClient StFut { get; private set; } = null!;
    public HttpClient Aube { get; private set; } = null!;
    public HttpClient Gateway { get; private set; } = null!;
    public string GatewayKey { get; private set; } = "";
    public string BrewerKey { get; private set; } = "";
    /// <summary>An API key of role lead (a script of the project lead's).</summary>
    public string LeadKey { get; private set; } = "";
    public string ConnectionString => _database.ConnectionString;
    /// <summary>An InfluxDB database of this fixture's own, in the real InfluxDB.</summary>
    public InfluxQuery Influx { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("inventory");
        var influxDatabase = $"api_{Guid.NewGuid():N}"[..16];
        Influx = new InfluxQuery(LocalServices.Current.InfluxUrl, influxDatabase);
        await Influx.ExecuteAsync($"CREATE DATABASE {influxDatabase}");
        _factory = NewReplica();
        Anonymous = _factory.CreateClient();
        var accounts = _factory.Services.GetRequiredService<Accounts>();

        await accounts.CreateUserAsync("lea", "Léa (project lead)", Password, Roles.Lead, null);
        Lead = await SignedInAsync("lea");
        await Created(Lead.PostAsJsonAsync("/api/v1/breweries", new { slug = "saint-fut", name = "Microbrasserie Saint-Fût", region = "Montérégie", since = "2022-05-01" }));
        await Created(Lead.PostAsJsonAsync("/api/v1/breweries", new { slug = "aube", name = "Brasserie de l'Aube", region = "Mauricie", since = "2022-05-01" }));
        await accounts.CreateUserAsync("felix", "Félix (Saint-Fût)", Password, Roles.Brewer, "saint-fut");
        await accounts.CreateUserAsync("marie", "Marie (Aube)", Password, Roles.Brewer, "aube");
        StFut = await SignedInAsync("felix");
        Aube = await SignedInAsync("marie");
        GatewayKey = await accounts.CreateApiKeyAsync("gateway", Roles.Gateway, null);
        BrewerKey = await accounts.CreateApiKeyAsync("stfut-script", Roles.Brewer, "saint-fut");
        LeadKey = await accounts.CreateApiKeyAsync("lead-script", Roles.Lead, null);
        Gateway = _factory.CreateClient();
        Gateway.DefaultRequestHeaders.Add("X-Api-Key", GatewayKey);

        await Created(Lead.PostAsJsonAsync("/api/v1/beers", new { sku = "STFUT-EPAULE-473", brewery = "saint-fut", name = "L'épaule à la roue", style = "Saison aux petits fruits", abv = 5.5, format = "can_473", unitsPerCase = 24 }));
        await Created(Lead.PostAsJsonAsync("/api/v1/beers", new { sku = "STFUT-BLONDE-355", brewery = "saint-fut", name = "Blonde du Fût", abv = 4.8, format = "can_355", unitsPerCase = 12 }));
        await Created(Lead.PostAsJsonAsync("/api/v1/beers", new { sku = "AUBE-IPA-473", brewery = "aube", name = "IPA de l'Aube", abv = 6.2, format = "can_473", unitsPerCase = 24 }));
        await Created(Lead.PostAsJsonAsync("/api/v1/locations", new { code = "stfut-brasserie", name = "Saint-Fût, la brasserie", kind = "brewery", region = "Montérégie", brewery = "saint-fut" }));
        await Created(Lead.PostAsJsonAsync("/api/v1/locations", new { code = "aube-brasserie", name = "Aube, la brasserie", kind = "brewery", region = "Mauricie", brewery = "aube" }));
        await Created(Lead.PostAsJsonAsync("/api/v1/locations", new { code = "frigo-coop-01", name = "Frigo COOP — Café du Quai", kind = "coop_fridge", region = "Montérégie" }));
        await Created(Lead.PostAsJsonAsync("/api/v1/locations", new { code = "frigo-coop-02", name = "Frigo COOP — Épicerie Solidaire", kind = "coop_fridge", region = "Mauricie" }));
    }

    public HttpClient NewClient() => _factory.CreateClient();

    /// <summary>A browser that keeps its cookies and shows each redirect instead of following it.</summary>
    public HttpClient NewBrowser() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Another instance of the API on the same database, as a second replica behind a load balancer.</summary>
    public WebApplicationFactory<Program> NewReplica() => new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
    {
        web.UseEnvironment("Testing");
        web.UseSetting("ConnectionStrings:Inventory", $"{_database.ConnectionString};{PoolSettings}");
        web.UseSetting("Influx:Url", LocalServices.Current.InfluxUrl.ToString());
        web.UseSetting("Influx:Database", Influx.Database);
        // The outbox's worker would share the one pooled connection: the notification tests turn it on or drive it.
        web.UseSetting("Notifications:Send", "false");
        // The tests post as fast as the machine goes, far past a person's pace: RateLimitTests has the real limits.
        web.UseSetting("RateLimits:WritesPerMinute", "1000000");
        web.UseSetting("RateLimits:ExpensiveReadsPerMinute", "1000000");
        // The real broker's dynamic security plugin, on the devices' listener, as scripts/services sets it up.
        foreach (var key in new[] { "ControlHost", "ControlPort", "Username", "Password", "DeviceHost", "DevicePort", "DeviceTls" })
            web.UseSetting($"Broker:{key}", LocalServices.Current[$"Broker__{key}"]);
        foreach (var (key, value) in Settings) web.UseSetting(key, value);
    });

    /// <summary>The API's services, for the tests that look at its state (e.g. whether stock reads are cached).</summary>
    public IServiceProvider Services => _factory.Services;

    public HttpClient WithApiKey(string key)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public async Task<HttpClient> SignedInAsync(string username)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        var response = await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { username, password = Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return client;
    }

    public static async Task<HttpResponseMessage> Created(Task<HttpResponseMessage> call)
    {
        var response = await call;
        if (response.StatusCode != HttpStatusCode.Created)
            Assert.Fail($"expected 201, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    public virtual async Task DisposeAsync()
    {
        await Influx.ExecuteAsync($"DROP DATABASE {Influx.Database}");
        Influx.Dispose();
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }
}

/// <summary>Reads problem details and asserts the field they name.</summary>
public static class ProblemAssert
{
    public static async Task<JsonElement> HasStatusAsync(HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        if (text.Length == 0) return default;
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(text);
        if (field is not null)
        {
            var named = problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _)
                || problem.TryGetProperty("field", out var f) && f.GetString() == field;
            Assert.True(named, $"problem does not name {field}: {text}");
        }
        return problem;
    }
}

/// <summary>The same API with a pool as in production, for the tests of concurrent requests racing in PostgreSQL.</summary>
public sealed class ConcurrentInventoryApi : InventoryApi
{
    protected override string PoolSettings => $"Maximum Pool Size={Inventory.Api.DatabaseOptions.DefaultPoolSize}";
}

/// <summary>The API with its stock-read cache turned off (<c>Stock__CacheReads=false</c>).</summary>
public sealed class UncachedInventoryApi : InventoryApi
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Stock:CacheReads"] = "false" };
}

/// <summary>The API as <c>scripts/season</c> runs it: the Season environment and its acting clock (<c>Season__ActingClock=true</c>).</summary>
public sealed class SeasonInventoryApi : InventoryApi
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["environment"] = "Season",
        ["Season:ActingClock"] = "true",
    };
}
