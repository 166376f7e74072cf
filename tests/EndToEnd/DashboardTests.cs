using Microsoft.Playwright;

namespace EndToEnd;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium, driven by Playwright), against the whole
/// platform fed by the simulator. Each main page's screenshot is saved under .local/screenshots.
/// </summary>
public sealed class DashboardTests
{
    private static readonly string Screenshots = Path.Combine(LocalServices.RepositoryRoot, ".local", "screenshots");

    private static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        const string chromium = "/usr/bin/chromium";
        if (!File.Exists(chromium)) throw new InvalidOperationException("Chromium is not installed: scripts/test installs Debian's chromium package");
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // No background traffic: this machine has no network beyond its package registries.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    private static async Task SignInAsync(IPage page, string apiUrl, string username, string password)
    {
        await page.GotoAsync($"{apiUrl}/connexion");
        await page.GetByLabel("Nom d'utilisateur").FillAsync(username);
        await page.GetByLabel("Mot de passe").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
    }

    [Fact]
    public async Task The_lead_sees_the_alert_the_simulator_raised_and_the_fridge_chart_and_a_brewer_cannot_open_the_planner()
    {
        await using var platform = await Platform.StartAsync();
        await platform.RunScenarioAsync("fridge-unplugged");
        await Eventually.Returns(() => platform.Influx.RowsAsync("SELECT state FROM alert WHERE device = 'fridge-stfut-02' AND type = 'power_lost'"),
            rows => rows.Count > 0, TimeSpan.FromSeconds(30), "power_lost of fridge-stfut-02 in InfluxDB");
        Directory.CreateDirectory(Screenshots);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);

        // The lead signs in and lands on the fleet: the unplugged fridge is first, in alert, in words.
        var lead = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await SignInAsync(lead, platform.ApiUrl, "lea", platform.LeadPassword);
        await lead.WaitForURLAsync("**/flotte");
        var row = lead.Locator("tr[data-device='fridge-stfut-02']");
        await Assertions.Expect(row.Locator(".status")).ToHaveTextAsync("alerte");
        await Assertions.Expect(row.Locator(".alerts")).ToContainTextAsync("panne de courant");
        await lead.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "flotte.png"), FullPage = true });

        // The fridge page draws its temperature with the 2-4 °C band and the shaded alert.
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await lead.WaitForURLAsync("**/frigos/fridge-stfut-02");
        var chart = lead.Locator("svg.chart");
        await Assertions.Expect(chart).ToBeVisibleAsync();
        var points = await chart.Locator("polyline.temperature").GetAttributeAsync("points");
        Assert.True(points!.Trim().Split(' ').Length >= 3, "the chart has a line of several points");
        Assert.True(await chart.Locator("rect.alert-period").CountAsync() >= 1, "the power cut is shaded");
        await lead.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "frigo.png"), FullPage = true });
        var download = await lead.RunAndWaitForDownloadAsync(() => lead.GetByText("Journal des températures (CSV)").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("horodatage_utc,temperature_c,porte_ouverte,sur_batterie", csv);
        Assert.True(csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 10);

        await lead.GotoAsync($"{platform.ApiUrl}/festivals");
        await Assertions.Expect(lead.GetByRole(AriaRole.Heading, new() { Name = "Planification des festivals" })).ToBeVisibleAsync();

        // A brewer sees its stock, and is refused the lead's planner.
        var brewer = await browser.NewPageAsync();
        await SignInAsync(brewer, platform.ApiUrl, "felix", platform.BrewerPassword);
        await brewer.WaitForURLAsync("**/stock");
        await Assertions.Expect(brewer.Locator("h1")).ToContainTextAsync("saint-fut");
        await brewer.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "stock.png"), FullPage = true });
        var refused = await brewer.GotoAsync($"{platform.ApiUrl}/festivals");
        await Assertions.Expect(brewer.GetByRole(AriaRole.Heading, new() { Name = "Accès refusé" })).ToBeVisibleAsync();
        Assert.DoesNotContain("Planification", await brewer.ContentAsync());

        // The movement form shows the API's validation message by field.
        await brewer.GotoAsync($"{platform.ApiUrl}/stock");
        await brewer.GetByLabel("Mouvement").SelectOptionAsync("transfer");
        await brewer.GetByRole(AriaRole.Button, new() { Name = "Inscrire" }).ClickAsync();
        await Assertions.Expect(brewer.Locator("#movement-result")).ToContainTextAsync("units");
    }

    [Fact]
    public async Task A_wrong_password_is_told_and_pages_need_signing_in()
    {
        await using var platform = await Platform.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();

        await page.GotoAsync($"{platform.ApiUrl}/flotte");
        await page.WaitForURLAsync("**/connexion**");
        await SignInAsync(page, platform.ApiUrl, "lea", "not the password");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("incorrect");
    }
}
