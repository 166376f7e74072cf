using System.Net.Http.Headers;

namespace Inventory.Api.FunctionalTests;

/// <summary>Issue 19's first slices, as HTTP sees them: an HTML 404 for a browser, compressed pages (not those holding a secret), no blank page after signing in from the sign-out address, refusals by field.</summary>
public sealed class DashboardBehaviourTests(ConcurrentInventoryApi api) : IClassFixture<ConcurrentInventoryApi>
{
    private static HttpRequestMessage Get(string path, string accept, string? encoding = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(accept);
        if (encoding is not null) request.Headers.AcceptEncoding.ParseAdd(encoding);
        return request;
    }

    [Fact]
    public async Task An_unknown_address_is_a_page_for_a_browser_and_problem_details_for_a_script()
    {
        var page = await api.Lead.SendAsync(Get("/nulle-part", "text/html,application/xhtml+xml"));
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>Page introuvable</h1>", await page.Content.ReadAsStringAsync());
        var script = await api.Lead.SendAsync(Get("/nulle-part", "application/json"));
        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (script.StatusCode, script.Content.Headers.ContentType?.MediaType));
        // Under /api a browser gets JSON too: it is the API's address space.
        var api404 = await api.Lead.SendAsync(Get("/api/v1/nothing-here", "text/html"));
        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (api404.StatusCode, api404.Content.Headers.ContentType?.MediaType));
        // Signed out, an unknown page still answers as a page.
        Assert.Contains("Page introuvable", await (await api.Anonymous.SendAsync(Get("/nulle-part", "text/html"))).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Pages_are_compressed_except_those_holding_a_secret()
    {
        var fleet = await api.Lead.SendAsync(Get("/flotte", "text/html", "br, gzip"));
        Assert.Equal(HttpStatusCode.OK, fleet.StatusCode);
        Assert.Contains(fleet.Content.Headers.ContentEncoding, e => e is "br" or "gzip");
        var subscription = await api.StFut.SendAsync(Get("/avis", "text/html", "br, gzip"));
        Assert.Equal(HttpStatusCode.OK, subscription.StatusCode);
        Assert.Empty(subscription.Content.Headers.ContentEncoding);
        Assert.Empty((await api.Anonymous.SendAsync(Get("/connexion", "text/html", "gzip"))).Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Signing_in_from_the_sign_out_address_lands_on_a_page_not_a_blank_one()
    {
        var browser = api.NewBrowser();
        var redirect = await browser.SendAsync(Get("/deconnexion", "text/html"));
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var signIn = await browser.GetStringAsync("/connexion");
        var token = System.Text.RegularExpressions.Regex.Match(signIn, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var posted = await browser.PostAsync("/connexion", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "lea", ["password"] = InventoryApi.Password, ["returnUrl"] = "/deconnexion", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/flotte", posted.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_sign_out_button_of_every_page_signs_out()
    {
        // The layout's form posts to /deconnexion: without the antiforgery token it carried none, and every press was a 400.
        var browser = api.NewBrowser();
        var signIn = await browser.GetStringAsync("/connexion");
        var posted = await browser.PostAsync("/connexion", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "felix", ["password"] = InventoryApi.Password, ["__RequestVerificationToken"] = VerificationToken(signIn),
        }));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var page = await browser.GetStringAsync("/stock");
        var signOut = System.Text.RegularExpressions.Regex.Match(page, "<form method=\"post\" action=\"/deconnexion\" class=\"signout\">.*?</form>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        var pressed = await browser.PostAsync("/deconnexion", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = VerificationToken(signOut) }));
        Assert.Equal((HttpStatusCode.Redirect, "/connexion"), (pressed.StatusCode, pressed.Headers.Location?.OriginalString));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    private static string VerificationToken(string html) =>
        System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;

    [Fact]
    public async Task A_transfer_from_a_place_to_itself_is_refused_by_field_and_a_movements_reason_shows_in_the_history()
    {
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "STFUT-BLONDE-355", units = 1, from = "stfut-brasserie", to = "stfut-brasserie" }),
            HttpStatusCode.BadRequest, "to");
        var reason = $"Fût de démo {Guid.NewGuid():N}"[..20];
        await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "STFUT-BLONDE-355", units = 12, to = "stfut-brasserie", reason }));
        var page = await api.StFut.GetStringAsync("/stock");
        Assert.Contains($"<td data-label=\"Raison\">{reason}</td>", page); // a phone shows it as "Raison : …"
        Assert.Contains("<option value=\"stfut-brasserie\">Saint-Fût, la brasserie</option>", page); // names, codes as the values
    }
}

/// <summary>The membership page: everyone reads the statuses, their history and the rules; only the lead gets the forms.</summary>
public sealed class MembershipPageTests(ConcurrentInventoryApi api) : IClassFixture<ConcurrentInventoryApi>
{
    [Fact]
    public async Task Everyone_reads_the_membership_and_the_lead_alone_gets_the_forms()
    {
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PostAsJsonAsync("/api/v1/table/members/aube/status", new { status = "candidate", effectiveOn = "2022-01-10" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PostAsJsonAsync("/api/v1/table/members/aube/status", new { status = "member", effectiveOn = "2022-05-01" })).StatusCode);
        var brewer = await api.StFut.GetStringAsync("/membres");
        Assert.Contains("candidate (2022-01-10) → membre (2022-05-01)", brewer);
        Assert.DoesNotContain("/api/v1/table/members/aube/status", brewer);
        Assert.DoesNotContain("id=\"new-rule\"", brewer);
        var lead = await api.Lead.GetStringAsync("/membres");
        Assert.Contains("data-api=\"/api/v1/table/members/aube/status\"", lead);
        Assert.Contains("id=\"new-rule\"", lead);
    }
}

/// <summary>People and keys from the lead's page: a key created is shown once and works; a brewer can neither see the page nor make keys.</summary>
public sealed class PeopleAndKeysTests(ConcurrentInventoryApi api) : IClassFixture<ConcurrentInventoryApi>
{
    [Fact]
    public async Task The_lead_creates_a_key_shown_once_that_works_and_revokes_it_and_a_brewer_cannot()
    {
        var created = await (await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/api-keys", new { name = "script de Félix", role = "brewer", brewery = "saint-fut" })))
            .Content.ReadFromJsonAsync<JsonElement>();
        var key = created.GetProperty("key").GetString()!;
        var script = api.WithApiKey(key);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/v1/stock?brewery=saint-fut")).StatusCode);
        var page = await api.Lead.GetStringAsync("/personnes");
        Assert.Contains($"data-prefix=\"{created.GetProperty("prefix").GetString()}\"", page);
        Assert.DoesNotContain(key, page); // never shown again
        Assert.Contains("data-username=\"felix\"", page);

        Assert.Equal(HttpStatusCode.NoContent, (await api.Lead.PostAsJsonAsync($"/api/v1/api-keys/{created.GetProperty("prefix").GetString()}/revoke", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/v1/stock?brewery=saint-fut")).StatusCode);

        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", role = "brewer" }), HttpStatusCode.BadRequest, "brewery");
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", role = "gateway", brewery = "aube" }), HttpStatusCode.BadRequest, "brewery");
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", role = "brewer", brewery = "nowhere" }), HttpStatusCode.NotFound, "brewery");
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", role = "root" }), HttpStatusCode.BadRequest, "role");
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.PostAsJsonAsync("/api/v1/api-keys", new { name = "mine", role = "lead" })).StatusCode);
        var brewerPage = await api.StFut.GetAsync("/personnes");
        Assert.EndsWith("/interdit", brewerPage.RequestMessage!.RequestUri!.AbsolutePath); // the page is the lead's
    }
}

/// <summary>The grocery pilot from its page: the lead places a beer and reports a store's week; a brewer reads only.</summary>
public sealed class GroceryPageTests(ConcurrentInventoryApi api) : IClassFixture<ConcurrentInventoryApi>
{
    [Fact]
    public async Task The_lead_gets_the_placement_form_and_one_weekly_form_per_store_listing_its_beers_and_a_brewer_neither()
    {
        var store = $"epicerie-{Guid.NewGuid():N}"[..20];
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = store, name = $"Épicerie {store}", kind = "grocery_store", region = "Estrie" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/grocery/placements", new { sku = "AUBE-IPA-473", store, startsOn = DateTime.UtcNow.AddDays(-14).ToString("yyyy-MM-dd"), facings = 2, shelfPriceCents = 399 }));
        var lead = await api.Lead.GetStringAsync("/epicerie");
        Assert.Contains("id=\"new-placement\"", lead);
        var weekly = lead[lead.IndexOf($"data-store=\"{store}\"", StringComparison.Ordinal)..];
        Assert.Contains("name=\"AUBE-IPA-473\"", weekly[..weekly.IndexOf("</form>", StringComparison.Ordinal)]);
        var brewer = await api.Aube.GetStringAsync("/epicerie");
        Assert.DoesNotContain("id=\"new-placement\"", brewer);
        Assert.DoesNotContain("class=\"filters sell-through\"", brewer);
    }
}
