using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace EndToEnd;

/// <summary>
/// Every page of the dashboard, in French and in English, on a desktop and on a phone: no accessibility
/// violation that axe-core (WCAG 2.1 A/AA rules) finds, and nothing wider than a phone's screen. The
/// phone screenshots are saved beside the others.
/// </summary>
public sealed class AccessibilityTests
{
    private static readonly string Screenshots = Directory.CreateDirectory(Path.Combine(LocalServices.RepositoryRoot, ".local", "screenshots")).FullName;

    [Fact]
    public async Task The_fleet_refreshes_by_itself_and_every_page_passes_axe_in_both_languages_and_fits_a_phone()
    {
        await using var platform = await Platform.StartAsync();
        await platform.PlanDemoFestivalAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DashboardTests.LaunchAsync(playwright);

        // The fleet page open before the fridge is unplugged shows the alert 30 s later, without a reload.
        var watcher = await browser.NewPageAsync();
        await watcher.Clock.InstallAsync();
        await DashboardTests.SignInAsync(watcher, platform.ApiUrl, "lea", platform.LeadPassword);
        await watcher.WaitForURLAsync("**/flotte");
        // (The broker may hold the device's retained status of an earlier run: only the power cut is new.)
        var alerts = watcher.Locator("tr[data-device='fridge-stfut-02'] .alerts");
        await Assertions.Expect(alerts).Not.ToContainTextAsync("panne de courant");
        await watcher.EvaluateAsync("() => { window.notReloaded = true; }");
        await platform.RunScenarioAsync("fridge-unplugged");
        await Eventually.Returns(() => platform.Influx.RowsAsync("SELECT state FROM alert WHERE device = 'fridge-stfut-02' AND type = 'power_lost'"),
            rows => rows.Count > 0, TimeSpan.FromSeconds(30), "power_lost of fridge-stfut-02 in InfluxDB");
        await watcher.Clock.RunForAsync(31_000);
        await Assertions.Expect(alerts).ToContainTextAsync("panne de courant");
        Assert.True(await watcher.EvaluateAsync<bool>("() => window.notReloaded === true"), "the rows were swapped in place, the page was not reloaded");
        // Suspended, it stays as it is.
        await watcher.GetByRole(AriaRole.Button, new() { Name = "Suspendre" }).ClickAsync();
        await Assertions.Expect(watcher.GetByRole(AriaRole.Button, new() { Name = "Reprendre" })).ToHaveAttributeAsync("aria-pressed", "true");

        string[] pages = ["/flotte", "/frigos/fridge-stfut-02", "/stock", "/tournees", "/tournees?compter=frigo-stfut-marche", "/festivals", "/festivals/festif-demo/listes", "/festivals/festif-demo/reglement", "/festivals/festif-demo/resultats", "/epicerie", "/releves", "/prix", "/ventes", "/niveaux", "/brassins", "/catalogue", "/parc", "/appareils", "/rapport", "/alertes", "/avis", "/membres", "/personnes", "/mot-de-passe-oublie", "/mot-de-passe/nouveau"];
        var problems = new List<string>();
        foreach (var (device, viewport) in new[] { ("desktop", new ViewportSize { Width = 1280, Height = 900 }), ("phone", new ViewportSize { Width = 390, Height = 844 }) })
        {
            var context = await browser.NewContextAsync(new() { ViewportSize = viewport, IsMobile = device == "phone", HasTouch = device == "phone" });
            var page = await context.NewPageAsync();
            await page.GotoAsync($"{platform.ApiUrl}/connexion");
            problems.AddRange(await AuditAsync(page, $"{device} fr /connexion", device == "phone" ? viewport.Width : null));
            // Signing in with the keyboard alone: Tab to the first field, type, Tab, type, Enter.
            for (var i = 0; i < 6 && await page.EvaluateAsync<string?>("() => document.activeElement?.name") != "username"; i++)
                await page.Keyboard.PressAsync("Tab");
            await page.Keyboard.TypeAsync("lea");
            await page.Keyboard.PressAsync("Tab");
            await page.Keyboard.TypeAsync(platform.LeadPassword);
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync("**/flotte");
            foreach (var language in new[] { "fr", "en" })
            {
                await page.GotoAsync($"{platform.ApiUrl}/langue?l={language}&retour=/flotte");
                foreach (var path in pages)
                {
                    var response = await page.GotoAsync(platform.ApiUrl + path);
                    Assert.True(response!.Ok, $"{path} answered {response.Status}");
                    Assert.Equal(language, await page.Locator("html").GetAttributeAsync("lang"));
                    problems.AddRange(await AuditAsync(page, $"{device} {language} {path}", device == "phone" ? viewport.Width : null));
                    if (device == "phone" && language == "fr")
                        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"phone-{path.Trim('/').Replace('/', '-')}.png"), FullPage = true });
                }
            }
            await context.CloseAsync();
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static async Task<List<string>> AuditAsync(IPage page, string where, int? phoneWidth)
    {
        var problems = new List<string>();
        // Folded sections (a new festival's form, the allocation editor) are audited open, as a person uses them.
        await page.EvaluateAsync("() => document.querySelectorAll('details').forEach(d => d.open = true)");
        var result = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        foreach (var violation in result.Violations)
            problems.Add($"{where}: {violation.Id} ({violation.Impact}) {violation.Help}: {string.Join(" | ", violation.Nodes.Take(3).Select(n => n.Html))}");
        if (phoneWidth is { } width)
        {
            // The page may scroll down, never sideways: wide tables scroll inside their own box. (A mobile
            // browser widens its layout viewport to the content, so the screen's width is the measure.)
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") - width;
            if (overflow > 1) problems.Add($"{where}: {overflow}px wider than the phone's screen");
            // A table laid out as cards shows every column without scrolling sideways (the stock's units were cut off).
            var hidden = await page.EvaluateAsync<int>("() => [...document.querySelectorAll('table.cards')].filter(t => t.scrollWidth > t.parentElement.clientWidth + 1).length");
            if (hidden > 0) problems.Add($"{where}: {hidden} card table(s) wider than the screen");
            // The temperature chart's and the grocery charts' labels are readable (they were 4 px; the grocery ones clipped).
            var smallest = await page.EvaluateAsync<double>("() => Math.min(999, ...[...document.querySelectorAll('svg.temperature-chart text, svg.sell-through text')].map(t => t.getBoundingClientRect().height))");
            if (smallest < 9) problems.Add($"{where}: chart labels {smallest:0.#}px high");
        }
        return problems;
    }
}
