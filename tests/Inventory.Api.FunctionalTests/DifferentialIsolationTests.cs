using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Inventory.Api.Admin;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// Issue 30's differential isolation test (DESIGN rule 8, what can be worked out): Saint-Fût's callers read every
/// GET route and page of the API; Aube then does its business — a delivery into a shared fridge, the fridge's counts
/// (its sales), a kiosk sale at a festival both are in, a breakage, a grocery placement at a wholesale price, a par
/// level, the sales of a tour stop it hosts, that tour's reconciliation and settlement statement — all inside the
/// periods read; Saint-Fût's callers read again. Every answer must be the same, byte
/// for byte once per-request tokens are masked, but for the current levels of shared places (a glass shelf). Checking
/// answers for another brewery's names finds what is shown; this finds what can be subtracted.
/// </summary>
public sealed class DifferentialIsolationTests(DifferentialIsolationTests.World world) : IClassFixture<DifferentialIsolationTests.World>
{
    private const string Festival = "diff-fest";
    private const string Tour = "diff-tour"; // Aube's alone: Saint-Fût is no party to it
    private const string AubeBeer = "AUBE-IPA-473";
    private const string OwnBeer = "STFUT-EPAULE-473";
    private const string FridgeDevice = "fridge-diff-01";
    private const string KioskDevice = "kiosk-diff-01";

    /// <summary>The demo world (every route has something to show) with a festival and a fridge both breweries are in.</summary>
    public sealed class World : InventoryApi
    {
        public string Kiosk { get; private set; } = "";
        public DateTimeOffset Start { get; } = DateTimeOffset.UtcNow.AddHours(-2);

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await DemoData.LoadAsync(Services);
            await Created(Lead.PostAsJsonAsync("/api/v1/festivals", new
            {
                code = Festival, name = "Festival différentiel", site = "Parc", region = "Mauricie",
                startsOn = "2026-07-02", endsOn = "2026-07-03", expectedAttendance = 100, breweries = new[] { "saint-fut", "aube" },
            }));
            await Created(Lead.PostAsJsonAsync($"/api/v1/festivals/{Festival}/kiosks", new { code = "k1", name = "Kiosque 1" }));
            Kiosk = (await Lead.GetFromJsonAsync<JsonElement>($"/api/v1/festivals/{Festival}")).GetProperty("kiosks")[0].GetProperty("location").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await Lead.PutAsJsonAsync($"/api/v1/devices/{KioskDevice}", new { kind = "kiosk", location = Kiosk })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Lead.PutAsJsonAsync($"/api/v1/devices/{FridgeDevice}", new { kind = "fridge", location = "frigo-coop-01" })).StatusCode);

            // A tour of Aube's alone, one stop it hosts (yesterday), Aube's beer sent there.
            var yesterday = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1));
            await Created(Lead.PostAsJsonAsync("/api/v1/festivals", new
            {
                code = Tour, name = "Tournée de l'Aube", site = "Mauricie", region = "Mauricie", kind = "tour", kioskFeeBasisPoints = 1500,
                startsOn = yesterday, endsOn = yesterday.AddDays(1), expectedAttendance = 50, breweries = new[] { "aube" },
            }));
            await Created(Lead.PostAsJsonAsync($"/api/v1/festivals/{Tour}/kiosks", new { code = "a1", name = "Arrêt de l'Aube", hostBrewery = "aube", on = yesterday }));

            // Both breweries' business before the first read: each has beer in the fridge and at the kiosk, and has sold some.
            foreach (var (client, sku, home) in new[] { (StFut, OwnBeer, "stfut-brasserie"), (Aube, AubeBeer, "aube-brasserie") })
            {
                await Created(Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku, units = 200, to = home, occurredAt = Start }));
                await Created(client.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku, units = 40, from = home, to = "frigo-coop-01", occurredAt = Start.AddMinutes(1) }));
                await Created(client.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku, units = 20, from = home, to = Kiosk, occurredAt = Start.AddMinutes(1) }));
            }
            await Created(Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = AubeBeer, units = 12, from = "aube-brasserie", to = $"{Tour}-a1", occurredAt = Start.AddMinutes(-1500) }));
            await ReportAsync("stock-counts", new { deviceId = FridgeDevice, seq = 1, ts = Start.AddMinutes(10), items = new[] { new { sku = OwnBeer, units = 38 }, new { sku = AubeBeer, units = 37 } } });
            await ReportAsync("sales", new
            {
                deviceId = KioskDevice, seq = 1, ts = Start.AddMinutes(11), saleId = "diff-1", payment = "card",
                lines = new[] { new { sku = OwnBeer, units = 2, unitPriceCents = 800 }, new { sku = AubeBeer, units = 1, unitPriceCents = 850 } },
            });
        }

        /// <summary>A device's report as the gateway posts it, keyed as the gateway keys it.</summary>
        public async Task ReportAsync(string kind, object body)
        {
            var json = JsonSerializer.SerializeToElement(body);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/device-reports/{kind}") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", $"{json.GetProperty("deviceId").GetString()}:{json.GetProperty("seq").GetInt64()}");
            await Created(Gateway.SendAsync(request));
        }
    }

    /// <summary>Aube's business between the reads, every fact dated inside the periods Saint-Fût reads.</summary>
    private async Task AubeDoesBusinessAsync()
    {
        var at = world.Start.AddMinutes(30);
        await InventoryApi.Created(world.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = AubeBeer, units = 12, from = "aube-brasserie", to = "frigo-coop-01", occurredAt = at }));
        await world.ReportAsync("stock-counts", new { deviceId = FridgeDevice, seq = 2, ts = at.AddMinutes(20), items = new[] { new { sku = OwnBeer, units = 38 }, new { sku = AubeBeer, units = 41 } } });
        await world.ReportAsync("sales", new
        {
            deviceId = KioskDevice, seq = 2, ts = at.AddMinutes(21), saleId = "diff-2", payment = "cash",
            lines = new[] { new { sku = AubeBeer, units = 4, unitPriceCents = 850 } },
        });
        await InventoryApi.Created(world.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "loss", sku = AubeBeer, units = 1, from = "frigo-coop-01", reason = "canette percée", occurredAt = at.AddMinutes(22) }));
        await InventoryApi.Created(world.Lead.PostAsJsonAsync("/api/v1/grocery/placements", new
        {
            sku = AubeBeer, store = "epicerie-coop-rimouski", startsOn = DateOnly.FromDateTime(at.UtcDateTime.AddDays(-7)), facings = 2, shelfPriceCents = 449,
        }));
        await InventoryApi.Created(world.Aube.PostAsJsonAsync("/api/v1/prices", new { sku = AubeBeer, channel = "grocery", unitPriceCents = 287, validFrom = DateOnly.FromDateTime(at.UtcDateTime) }));
        // The store's week: Aube's units in a grocery store's weeks and its placement's figures.
        await InventoryApi.Created(world.Lead.PostAsJsonAsync("/api/v1/grocery/sell-through", new
        {
            store = "epicerie-coop-rimouski", weekEnding = DateOnly.FromDateTime(at.UtcDateTime), lines = new[] { new { sku = AubeBeer, unitsSold = 5 } },
        }));
        Assert.Equal(HttpStatusCode.OK, (await world.Aube.PutAsJsonAsync("/api/v1/par-levels", new { sku = AubeBeer, location = "frigo-coop-01", parUnits = 60 })).StatusCode);
        // Aube's tour: its stop's sales reported by Aube, the tour reconciled and its settlement issued by the lead.
        await InventoryApi.Created(world.Aube.PostAsJsonAsync($"/api/v1/festivals/{Tour}/kiosks/a1/sales", new { lines = new[] { new { sku = AubeBeer, units = 7 } } }));
        await InventoryApi.Created(world.Lead.PostAsJsonAsync($"/api/v1/festivals/{Tour}/reconciliation", new { returns = new[] { new { kiosk = "a1", sku = AubeBeer, units = 5, to = "aube-brasserie" } } }));
        await InventoryApi.Created(world.Lead.PostAsync($"/api/v1/festivals/{Tour}/statements", null));
    }

    /// <summary>Routes a read of changes state, and why they are left out.</summary>
    private static readonly Dictionary<string, string> NotRead = new()
    {
        ["/deconnexion"] = "signs the caller out",
        ["/langue"] = "sets the caller's language: every later answer would be in French",
    };

    /// <summary>
    /// The answers that show the current levels of shared places (a COOP fridge's glass shelf, a kiosk's table): there
    /// Aube's rows may change, and nothing else. Each is a row of docs/security.md's matrix.
    /// </summary>
    private static readonly string[] ShowCurrentSharedLevels =
        ["/api/v1/stock", "/api/v1/stock?location=frigo-coop-01", "/stock", "/stock?location=frigo-coop-01", $"/frigos/{FridgeDevice}", $"/frigos/{KioskDevice}"];

    private IEnumerable<string> Urls()
    {
        var fromDay = DateOnly.FromDateTime(world.Start.UtcDateTime.AddDays(-1)).ToString("yyyy-MM-dd");
        var toDay = DateOnly.FromDateTime(world.Start.UtcDateTime.AddDays(1)).ToString("yyyy-MM-dd");
        var values = new Dictionary<string, string[]>
        {
            ["sku"] = [OwnBeer, AubeBeer],
            ["code"] = [Festival, "festif-mauricie", Tour],
            ["deviceId"] = [FridgeDevice, KioskDevice],
            ["serial"] = ["FRIGO-COOP-001"],
            ["documentName"] = ["v1"],
            ["month"] = [world.Start.AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
                world.Start.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)],
            ["number"] = ["1", "2"],
        };
        var endpoints = world.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } methods || methods.HttpMethods.Contains("GET"));
        var urls = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (NotRead.ContainsKey(pattern) || endpoint.RoutePattern.Parameters.Any(p => p.IsCatchAll)) continue;
            IEnumerable<string> filled = [pattern];
            foreach (var parameter in endpoint.RoutePattern.Parameters)
            {
                Assert.True(values.TryGetValue(parameter.Name, out var choices), $"{pattern}: no value for {{{parameter.Name}}}: add one to the test");
                filled = filled.SelectMany(url => choices!.Select(v => Regex.Replace(url, $@"\{{{parameter.Name}(:[^}}]*)?\??\}}", v)));
            }
            urls.UnionWith(filled);
        }
        Assert.Contains("/api/v1/sales/revenue", urls);
        Assert.Contains("/frigos/{deviceId}".Replace("{deviceId}", FridgeDevice), urls);
        // The same routes over the periods and places where Aube's facts fall.
        var at = Uri.EscapeDataString(world.Start.AddMinutes(55).ToString("O"));
        string[] dated =
        [
            $"/api/v1/stock?location=frigo-coop-01&asOf={at}", $"/api/v1/stock?sku={AubeBeer}&asOf={at}", "/api/v1/stock?location=frigo-coop-01",
            "/api/v1/movements?location=frigo-coop-01", $"/api/v1/movements?sku={AubeBeer}", "/api/v1/movements?kind=loss",
            $"/api/v1/sales/fridges?from={fromDay}&to={toDay}", "/api/v1/sales/fridges?weeks=2", $"/api/v1/sales/revenue?from={fromDay}&to={toDay}",
            "/api/v1/grocery/placements?store=epicerie-coop-rimouski", "/api/v1/grocery/performance?weeks=2",
            $"/api/v1/grocery/weeks?from={fromDay}&to={toDay}",
            $"/api/v1/prices?sku={AubeBeer}", "/api/v1/prices?channel=grocery", $"/api/v1/prices?on={toDay}",
            $"/api/v1/festivals/{Festival}/settlement?format=csv", "/api/v1/stock/low?location=frigo-coop-01",
            "/api/v1/stock/discrepancies?unreviewed=true", "/api/v1/stock/exposures?undecided=true", "/api/v1/alerts?open=true",
            $"/api/v1/table/funder-report?from={fromDay}&to={toDay}", $"/api/v1/table/assets/FRIGO-COOP-001/figures?from={fromDay}&to={toDay}",
            "/stock?location=frigo-coop-01", $"/epicerie?weeks=2",
        ];
        return urls.Concat(dated);
    }

    [Fact]
    public async Task Another_brewerys_business_changes_no_answer_a_brewer_gets_but_the_current_levels_of_shared_places()
    {
        var callers = new Dictionary<string, HttpClient>
        {
            ["Saint-Fût's brewer"] = world.StFut,
            ["Saint-Fût's API key"] = world.WithApiKey(world.BrewerKey),
            ["the gateway's key"] = world.Gateway,
            ["nobody signed in"] = world.Anonymous,
        };
        var urls = Urls().ToList();
        async Task<Dictionary<(string, string), string>> ReadAllAsync()
        {
            var answers = new Dictionary<(string, string), string>();
            foreach (var (who, client) in callers)
                foreach (var url in urls)
                    answers[(who, url)] = await AnswerAsync(client, url);
            return answers;
        }

        var first = await ReadAllAsync();
        var before = await ReadAllAsync();
        var unstable = before.Where(a => first[a.Key] != a.Value).Select(a => $"{a.Key.Item1} {a.Key.Item2}:\n{Diff(first[a.Key], a.Value)}").ToList();
        Assert.True(unstable.Count == 0, $"answers that change between two reads with nothing done (mask what is per request):\n{string.Join("\n", unstable)}");
        Assert.Contains(before, a => a.Key.Item1 == "Saint-Fût's brewer" && a.Value.StartsWith("200", StringComparison.Ordinal) && a.Value.Contains(OwnBeer, StringComparison.Ordinal));

        await AubeDoesBusinessAsync();
        var after = await ReadAllAsync();

        var leaks = after.Where(a => before[a.Key] != a.Value).Select(a => $"{a.Key.Item1} GET {a.Key.Item2}:\n{Diff(before[a.Key], a.Value)}").ToList();
        Assert.True(leaks.Count == 0, $"{leaks.Count} answers changed with Aube's business:\n{string.Join("\n", leaks)}");
        // And the test can see: the lead's revenue and the shelf's level moved.
        Assert.NotEqual(before[("Saint-Fût's brewer", "/api/v1/stock?location=frigo-coop-01")], await AnswerAsync(world.StFut, "/api/v1/stock?location=frigo-coop-01", keepSharedLevels: true));
    }

    /// <summary>An answer as lines to compare: status and type, JSON one property a line, HTML one tag a line; per-request tokens masked.</summary>
    private static async Task<string> AnswerAsync(HttpClient client, string url, bool keepSharedLevels = false)
    {
        using var response = await client.GetAsync(url);
        var body = Masked(await response.Content.ReadAsStringAsync());
        var type = response.Content.Headers.ContentType?.MediaType ?? "";
        var sharedLevels = !keepSharedLevels && ShowCurrentSharedLevels.Contains(url);
        if (type.Contains("json", StringComparison.Ordinal) && body.Length > 0)
        {
            var node = JsonNode.Parse(body);
            if (sharedLevels) node = WithoutMentionsOf(node, AubeBeer);
            body = node?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null";
        }
        else if (type == "text/html")
        {
            if (sharedLevels) body = Regex.Replace(body, $"<tr>(?:(?!</tr>).)*{AubeBeer}(?:(?!</tr>).)*</tr>", "", RegexOptions.Singleline);
            body = body.Replace("><", ">\n<", StringComparison.Ordinal);
        }
        return $"{(int)response.StatusCode} {type}\n{body}";
    }

    /// <summary>
    /// What is new on every request: the antiforgery token, the script nonce, the trace id; and the clock, where a page
    /// draws the last 24 hours up to now (the temperature chart's span and axis).
    /// </summary>
    private static string Masked(string body)
    {
        body = Regex.Replace(body, "(aria-label=\"[^\"]*\\d+ [^\"]*, du )[^\"]*\"", "$1…\"");
        body = Regex.Replace(body, "(font-size=\"11\">)\\d{2}-\\d{2} \\d{2}:\\d{2}(</text>)", "$1…$2");
        body = Regex.Replace(body, "(name=\"__RequestVerificationToken\" type=\"hidden\" value=\")[^\"]*", "$1…");
        body = Regex.Replace(body, "00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]", "00-…");
        return Regex.Replace(body, "nonce=\"[^\"]*\"", "nonce=\"…\"");
    }

    private static JsonNode? WithoutMentionsOf(JsonNode? node, string text)
    {
        if (node is JsonArray array)
        {
            var kept = new JsonArray();
            foreach (var item in array.Where(i => i is null || !i.ToJsonString().Contains(text, StringComparison.Ordinal)))
                kept.Add(WithoutMentionsOf(item?.DeepClone(), text));
            return kept;
        }
        return node;
    }

    /// <summary>The lines of one answer missing from the other, each side marked, at most 12.</summary>
    private static string Diff(string before, string after)
    {
        var was = before.Split('\n');
        var now = after.Split('\n');
        var lines = was.Except(now).Select(l => $"  - {l.Trim()}").Concat(now.Except(was).Select(l => $"  + {l.Trim()}")).ToList();
        if (lines.Count == 0)
        {
            var at = was.Zip(now).TakeWhile(p => p.First == p.Second).Count();
            return $"  the same lines in another order, from line {at}: {was.ElementAtOrDefault(at)?.Trim()} / {now.ElementAtOrDefault(at)?.Trim()}";
        }
        return string.Join("\n", lines.Take(12)) + (lines.Count > 12 ? $"\n  … {lines.Count - 12} more" : "");
    }
}
