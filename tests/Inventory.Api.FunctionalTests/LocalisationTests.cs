using System.Collections;
using System.Globalization;
using System.Net.Http.Headers;
using System.Resources;
using System.Text.RegularExpressions;
using Inventory.Api.Localisation;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// Issue 19's localisation: the pages' words come from resource files (French keys, English file), numbers and
/// money follow the culture, and the API's problem details follow Accept-Language (English when none is sent).
/// </summary>
public sealed partial class LocalisationTests(ConcurrentInventoryApi api) : IClassFixture<ConcurrentInventoryApi>
{
    [Theory]
    [InlineData("Inventory.Api.Resources.Localisation.PageText", "en")]
    [InlineData("Inventory.Api.Resources.Localisation.ApiText", "fr")]
    public void Every_translation_keeps_the_placeholders_of_its_key(string baseName, string language)
    {
        var set = new ResourceManager(baseName, typeof(PageText).Assembly).GetResourceSet(CultureInfo.GetCultureInfo(language), createIfNotExists: true, tryParents: false);
        Assert.NotNull(set);
        var entries = set.Cast<DictionaryEntry>().Select(e => ((string)e.Key, (string)e.Value!)).ToList();
        Assert.True(entries.Count > 100, $"{baseName}.{language} holds {entries.Count} entries");
        foreach (var (key, value) in entries)
        {
            Assert.False(string.IsNullOrWhiteSpace(value), $"'{key}' has no {language} text");
            Assert.Equal(Holes(key), Holes(value));
        }
        static string[] Holes(string text) => [.. Placeholder().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void Every_sentence_of_the_pages_has_its_english()
    {
        var english = new ResourceManager("Inventory.Api.Resources.Localisation.PageText", typeof(PageText).Assembly)
            .GetResourceSet(CultureInfo.GetCultureInfo("en"), createIfNotExists: true, tryParents: false)!.Cast<DictionaryEntry>().Select(e => (string)e.Key).ToHashSet(StringComparer.Ordinal);
        var dashboard = Path.Combine(LocalServices.RepositoryRoot, "src", "Inventory.Api", "Dashboard");
        var missing = Directory.EnumerateFiles(dashboard, "*.cs*", SearchOption.AllDirectories)
            .SelectMany(file => PageKey().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetFileName(file), Key: Regex.Unescape(m.Groups[1].Value))))
            .Where(k => !english.Contains(k.Key)).Select(k => $"{k.File}: {k.Key}").Distinct().ToList();
        Assert.True(missing.Count == 0, "no English in Resources/Localisation.PageText.en.resx for:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void No_french_words_are_written_in_the_pages_code_outside_the_localiser()
    {
        // A sentence built in C# (a chart, a status, a refusal) escapes the .cshtml's L[…] and stays French on an
        // English page: every French word in the dashboard's code must be a key of the localiser.
        var dashboard = Path.Combine(LocalServices.RepositoryRoot, "src", "Inventory.Api", "Dashboard");
        var french = Directory.EnumerateFiles(dashboard, "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (File: Path.GetFileName(file), Number: i + 1, Line: line)))
            .Where(l => !l.Line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Select(l => l with { Line = LocalisedKey().Replace(TrailingComment().Replace(l.Line, ""), "") })
            .Where(l => FrenchLetter().IsMatch(l.Line))
            .Select(l => $"{l.File}:{l.Number}: {l.Line.Trim()}").ToList();
        Assert.True(french.Count == 0, "French outside L[…]/words[…]:\n" + string.Join("\n", french));
    }

    [Fact]
    public void No_two_keys_of_a_resource_file_differ_only_by_case()
    {
        // The build keeps one of two such keys (warning MSB3568) and the other sentence silently stays French.
        var resources = Path.Combine(LocalServices.RepositoryRoot, "src", "Inventory.Api", "Resources");
        foreach (var file in Directory.EnumerateFiles(resources, "*.resx"))
        {
            var clashes = System.Xml.Linq.XDocument.Load(file).Root!.Elements("data").Select(d => (string)d.Attribute("name")!)
                .GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => string.Join(" / ", g)).ToList();
            Assert.True(clashes.Count == 0, $"{Path.GetFileName(file)}: {string.Join("; ", clashes)}");
        }
    }

    [Theory]
    [InlineData("must be within 1..5000", "doit être entre 1 et 5000")]
    [InlineData("must be within 0..10000 (basis points: 1500 = 15 %)", "doit être entre 0 et 10000 (points de base : 1500 = 15 %)")] // the specific sentence, not the general one
    [InlineData("device kiosk-9 not found", "appareil kiosk-9 : introuvable")] // the thing not found is itself translated
    [InlineData("kiosk 'k1' exists at fest-26", "le kiosque « k1 » existe déjà à fest-26")]
    [InlineData("a sentence nobody wrote down", "a sentence nobody wrote down")] // unknown: stays as the API wrote it
    public void A_refusal_reads_in_French_whatever_varies_in_it(string english, string french)
    {
        Assert.Equal(french, ApiTranslation.Translate(english, Language.French));
        Assert.Equal(english, ApiTranslation.Translate(english, Language.English));
    }

    [Fact]
    public async Task Problem_details_follow_accept_language_and_a_script_that_sends_none_gets_english()
    {
        async Task<JsonElement> SignInWithNothing(string? language)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/sign-in") { Content = JsonContent.Create(new { }) };
            if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
            return await ProblemAssert.HasStatusAsync(await api.Anonymous.SendAsync(request), HttpStatusCode.BadRequest, "username");
        }
        var french = await SignInWithNothing("fr-CA,fr;q=0.9,en;q=0.8");
        Assert.Equal("est requis (au plus 64 caractères)", french.GetProperty("errors").GetProperty("username")[0].GetString());
        Assert.StartsWith("username : est requis", french.GetProperty("title").GetString());
        var english = await SignInWithNothing("en-US");
        Assert.Equal("is required (at most 64 characters)", english.GetProperty("errors").GetProperty("username")[0].GetString());
        Assert.Equal("is required (at most 64 characters)", (await SignInWithNothing(null)).GetProperty("errors").GetProperty("username")[0].GetString());
        // A language the API does not speak, preferred over French: French, the first it speaks.
        Assert.Equal("est requis (au plus 64 caractères)", (await SignInWithNothing("de-DE,fr;q=0.5")).GetProperty("errors").GetProperty("username")[0].GetString());

        using var notFound = new HttpRequestMessage(HttpMethod.Get, "/api/v1/festivals/nulle-part");
        notFound.Headers.AcceptLanguage.ParseAdd("fr");
        var missing = await ProblemAssert.HasStatusAsync(await api.Lead.SendAsync(notFound), HttpStatusCode.NotFound);
        Assert.Equal("festival nulle-part : introuvable", missing.GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_language_link_sets_the_culture_of_the_words_the_numbers_and_the_money()
    {
        var browser = await api.SignedInAsync("lea");
        var french = await browser.GetStringAsync("/rapport?du=2024-03-01&au=2024-03-31");
        Assert.Contains("<html lang=\"fr\">", french);
        Assert.Contains("Rapport", french);
        Assert.Equal("0 unités, 0,00\u00a0$ de ventes enregistrées.", Totals(french));

        var switched = await browser.GetAsync("/langue?l=en&retour=/rapport%3Fdu%3D2024-03-01%26au%3D2024-03-31");
        Assert.Equal(HttpStatusCode.OK, switched.StatusCode); // followed the redirect back to the page
        var english = await switched.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"en\">", english);
        Assert.Contains(">Report<", english);
        Assert.Equal("0 units, $0.00 of recorded sales.", Totals(english));

        // The cookie speaks for the person to the API too: the dashboard's own calls answer in English.
        var refused = await browser.PostAsJsonAsync("/api/v1/festivals", new { });
        Assert.Contains("is required", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_english_sign_in_page_says_its_refusals_in_english()
    {
        var browser = api.NewBrowser();
        await browser.GetAsync("/langue?l=en&retour=/connexion");
        var page = await browser.GetStringAsync("/connexion");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;

        var refused = await browser.PostAsync("/connexion", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "lea", ["password"] = "not her password", ["__RequestVerificationToken"] = token,
        }));

        var text = System.Net.WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("Wrong username or password.", text);
        Assert.DoesNotContain("incorrect", text);
    }

    private static string Totals(string page) => System.Net.WebUtility.HtmlDecode(TotalsLine().Match(page).Groups[1].Value);

    [Theory]
    [InlineData("/stock", "/stock")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")] // a browser reads "/\host" as "//host"
    [InlineData("https://evil.example/", "/")]
    public async Task The_language_link_goes_back_to_a_page_of_this_site_only(string back, string expected)
    {
        var response = await api.NewBrowser().GetAsync($"/langue?l=en&retour={Uri.EscapeDataString(back)}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
    }

    [GeneratedRegex("<p id=\"totals\">([^<]*)</p>")]
    private static partial Regex TotalsLine();

    // L["…"] in a page or a page model (words["…"] where a helper is given the localiser): the key is a C# string literal.
    [GeneratedRegex(@"\b(?:L|words)\[""((?:[^""\\]|\\.)*)""")]
    private static partial Regex PageKey();

    [GeneratedRegex(@"\b(L|words)\[""(?:[^""\\]|\\.)*""")]
    private static partial Regex LocalisedKey();

    [GeneratedRegex(@"\s//\s.*$")]
    private static partial Regex TrailingComment();

    [GeneratedRegex("[àâçéèêëîïôûùüœÀÂÇÉÈÊÎÔÛ]")]
    private static partial Regex FrenchLetter();

    [GeneratedRegex(@"\{\d(:[^}]*)?\}")]
    private static partial Regex Placeholder();
}
