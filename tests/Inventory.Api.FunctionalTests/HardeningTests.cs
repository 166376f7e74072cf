using System.Text.RegularExpressions;
using FrigoCoop.TestSupport;
using Npgsql;

namespace Inventory.Api.FunctionalTests;

/// <summary>What the API and pages send back to a browser (issue 15): headers, encoding, and what an error says.</summary>
public sealed partial class HardeningTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private static long Ns(DateTimeOffset t) => t.ToUnixTimeMilliseconds() * 1_000_000;

    [Fact]
    public void No_page_has_an_inline_event_handler_the_policy_would_block()
    {
        // onchange="…", onclick="…": script-src without 'unsafe-inline' runs none of them, so the control does nothing
        // (the fleet's filters, the route picker and the print buttons did nothing in a browser). Behaviour goes in the
        // pages' nonce'd scripts (the layout wires data-submit-on-change and data-print).
        var pages = Directory.GetFiles(Path.Combine(LocalServices.RepositoryRoot, "src", "Inventory.Api", "Dashboard"), "*.cshtml", SearchOption.AllDirectories);
        Assert.NotEmpty(pages);
        var handlers = pages.SelectMany(page => Regex.Matches(File.ReadAllText(page), @"<[^>]*\son[a-z]+\s*=", RegexOptions.IgnoreCase)
            .Select(m => $"{Path.GetFileName(page)}: {m.Value}")).ToList();
        Assert.True(handlers.Count == 0, string.Join("\n", handlers));
    }

    [Fact]
    public async Task Every_answer_has_a_content_security_policy_and_a_pages_scripts_carry_its_nonce()
    {
        var page = await api.Lead.GetAsync("/flotte");
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = Nonce().Match(policy).Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains("object-src 'none'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.DoesNotContain("unsafe-inline' 'nonce", policy); // scripts: the nonce only
        var html = await page.Content.ReadAsStringAsync();
        var scripts = ScriptTag().Matches(html);
        Assert.NotEmpty(scripts);
        Assert.All(scripts, s => Assert.Equal($"<script nonce=\"{nonce}\">", s.Value));

        var again = await api.Lead.GetAsync("/flotte");
        Assert.NotEqual(nonce, Nonce().Match(again.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value);
        var json = await api.Lead.GetAsync("/api/v1/stock");
        Assert.Equal("nosniff", json.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", json.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", json.Headers.GetValues("Content-Security-Policy").Single()); // nothing runs from JSON
    }

    [Fact]
    public async Task An_influx_tag_with_markup_is_shown_as_text_in_the_fridge_chart()
    {
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync("/api/v1/devices/fridge-xss-01", new { kind = "fridge", location = "frigo-coop-02" })).StatusCode);
        var now = DateTimeOffset.UtcNow;
        await api.Influx.WriteAsync(string.Join('\n',
            Enumerable.Range(0, 12).Select(i => $"fridge_reading,device=fridge-xss-01,kind=fridge temp_c=9,seq={i}i {Ns(now.AddMinutes(-120 + i * 10))}")
                .Append($"alert,device=fridge-xss-01,type=<b>bold</b> state=\"raised\" {Ns(now.AddMinutes(-90))}")));

        var html = await api.Lead.GetStringAsync("/frigos/fridge-xss-01");

        Assert.Contains("&lt;b&gt;bold&lt;/b&gt;", html);
        Assert.DoesNotContain("<b>bold</b>", html);
    }

    [Fact]
    public async Task Readyz_says_the_database_is_unavailable_without_the_servers_own_words()
    {
        var database = new NpgsqlConnectionStringBuilder(api.ConnectionString).Database!;
        await using var admin = new NpgsqlConnection(LocalServices.Current.PostgresConnectionString);
        await admin.OpenAsync();
        async Task Run(string sql) { await using var c = new NpgsqlCommand(sql, admin); await c.ExecuteNonQueryAsync(); }
        // A database name cannot be a parameter; this one is the fixture's own, made of [a-z0-9_].
        await Run($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false");
        try
        {
            // The API's connections only: an autovacuum worker busy in the database is the server's own, and terminating it
            // is refused to a non-superuser (a full run once failed so, and the next test met the half-closed pool).
            await Run($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND backend_type = 'client backend' AND usename = current_user");
            NpgsqlConnection.ClearAllPools();
            var response = await Eventually.Returns(() => api.Anonymous.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(10), "/readyz to say 503");
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("database unavailable", body);
            Assert.DoesNotContain(database, body);
            Assert.DoesNotContain("accepting connections", body);
        }
        finally
        {
            await Run($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
        }
        await Eventually.Returns(() => api.Anonymous.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10), "/readyz to recover");
    }

    [GeneratedRegex("script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'")]
    private static partial Regex Nonce();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();
}
