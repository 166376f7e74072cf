using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MQTTnet;

namespace EndToEnd;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium, driven by Playwright), against the whole
/// platform fed by the simulator. Each main page's screenshot is saved under .local/screenshots.
/// </summary>
public sealed partial class DashboardTests
{
    private static readonly string Screenshots = Directory.CreateDirectory(Path.Combine(LocalServices.RepositoryRoot, ".local", "screenshots")).FullName;

    internal static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
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

    internal static async Task SignInAsync(IPage page, string apiUrl, string username, string password)
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
        // Ending now: the fridge page charts the last 24 hours (from about 18:10 to 19:00 UTC the run at the
        // scenario's own hour would be yesterday's, only its last minutes, in the power cut, in the chart).
        await platform.RunScenarioAsync("fridge-unplugged", endingNow: true);
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
        // In English on request, and back.
        await lead.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(lead.Locator("h1")).ToHaveTextAsync("Fridges and kiosks");
        await Assertions.Expect(lead.Locator("tr[data-device='fridge-stfut-02'] .alerts")).ToContainTextAsync("power cut");
        await lead.GetByRole(AriaRole.Link, new() { Name = "Français" }).ClickAsync();
        await Assertions.Expect(lead.Locator("h1")).ToHaveTextAsync("Frigos et kiosques");
        // Filtered by brewery: the fridges where its beer stands. The device's counts cover the whole shelf and list four
        // beers, so the others' are gone from it, and whether those four are left depends on the run's hour (the simulated
        // shoppers buy more at five than at one, and a CI run at the peak sold them all): a delivery after the counts puts
        // one brewery's beer there whatever the hour, and one whose beer is not there does not show the fridge.
        (await platform.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "FJORD-IPA-355", units = 6, from = "fjord-brasserie", to = "frigo-stfut-marche" }))
            .EnsureSuccessStatusCode();
        await lead.GotoAsync($"{platform.ApiUrl}/flotte?brewery=fjord");
        await Assertions.Expect(lead.Locator("tr[data-device='fridge-stfut-02']")).ToBeVisibleAsync();
        await lead.GotoAsync($"{platform.ApiUrl}/flotte?brewery=coulee-douce");
        await Assertions.Expect(lead.Locator("tr[data-device='fridge-stfut-02']")).ToHaveCountAsync(0);
        await lead.GotoAsync($"{platform.ApiUrl}/flotte");

        // The fridge page draws its temperature with the 2-4 °C band and the shaded alert.
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await lead.WaitForURLAsync("**/frigos/fridge-stfut-02");
        var chart = lead.Locator("svg.chart");
        await Assertions.Expect(chart).ToBeVisibleAsync();
        var points = await chart.Locator("polyline.temperature").GetAttributeAsync("points");
        Assert.True(points!.Trim().Split(' ').Length >= 3, "the chart has a line of several points");
        Assert.True(await chart.Locator("rect.alert-period").CountAsync() >= 1, "the power cut is shaded");
        await lead.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "frigo.png"), FullPage = true });
        var download = await lead.RunAndWaitForDownloadAsync(() => lead.GetByText("Journal des températures (CSV)", new() { Exact = true }).ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("horodatage,temperature_c,excursion,porte_ouverte,sur_batterie", csv);
        Assert.True(csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 10);

        await lead.GotoAsync($"{platform.ApiUrl}/festivals");
        await Assertions.Expect(lead.GetByRole(AriaRole.Heading, new() { Name = "Planification des festivals" })).ToBeVisibleAsync();

        // A brewer sees its stock, and is refused the lead's planner.
        var brewer = await browser.NewPageAsync();
        await SignInAsync(brewer, platform.ApiUrl, "felix", platform.BrewerPassword);
        await brewer.WaitForURLAsync("**/stock");
        await Assertions.Expect(brewer.Locator("h1")).ToContainTextAsync("saint-fut");
        await Assertions.Expect(brewer.Locator("#history")).ToBeVisibleAsync();
        await brewer.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "stock.png"), FullPage = true });
        var refused = await brewer.GotoAsync($"{platform.ApiUrl}/festivals");
        await Assertions.Expect(brewer.GetByRole(AriaRole.Heading, new() { Name = "Accès refusé" })).ToBeVisibleAsync();
        Assert.DoesNotContain("Planification", await brewer.ContentAsync());

        // The movement form shows the API's validation message by field, in the page's language, under the field's own label.
        await brewer.GotoAsync($"{platform.ApiUrl}/stock");
        await brewer.Locator("#movement").GetByLabel("Mouvement").SelectOptionAsync("transfer");
        await brewer.GetByRole(AriaRole.Button, new() { Name = "Inscrire" }).ClickAsync();
        await Assertions.Expect(brewer.Locator("#movement-result")).ToContainTextAsync("Unités");

        // The lead disables the brewer: his very next page sends him to sign in.
        (await platform.Lead.PostAsync("/api/v1/people/felix/disable", null)).EnsureSuccessStatusCode();
        await brewer.GotoAsync($"{platform.ApiUrl}/stock");
        await brewer.WaitForURLAsync("**/connexion**");
        await Assertions.Expect(brewer.GetByLabel("Nom d'utilisateur")).ToBeVisibleAsync();
        (await platform.Lead.PostAsync("/api/v1/people/felix/enable", null)).EnsureSuccessStatusCode();
    }

    /// <summary>Saint-Fût's round from its brewery to one fridge, made on the rounds' page: the new round and its id.</summary>
    private static async Task<(ILocator Round, long Id)> MakeRoundAsync(IPage phone, string fridge)
    {
        await phone.Locator("#make-round select[name=from]").SelectOptionAsync("saint-fut-brasserie");
        await phone.Locator("#make-round select[name=fridges]").SelectOptionAsync(fridge);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Préparer", Exact = true }).TapAsync();
        var round = phone.Locator("section.round").First;
        return (round, long.Parse((await round.GetAttributeAsync("id"))!["round-".Length..], CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/mot-de-passe/nouveau\?code=[0-9a-f]{64}")]
    private static partial Regex ResetLink();

    /// <summary>
    /// A brewer's day on a 390 px phone, by taps and typing: the stock, a par level, a round made, the fridge counted from
    /// the round before it is filled (what is gone is sold, a broken can is a loss), the line ticked, a price set and
    /// ended, the month's revenue and what the venue owes, a new beer; then, signed out, a forgotten password reset
    /// through the mail in the local SMTP server.
    /// </summary>
    [Fact]
    public async Task A_brewers_day_on_the_phone_from_the_stock_to_a_counted_round_prices_revenue_and_a_forgotten_password()
    {
        await using var platform = await Platform.StartAsync();
        // Félix's notices go to an address he confirmed (the reset link goes there only).
        var mailbox = $"felix-{Guid.NewGuid():N}"[..18] + "@stfut.test";
        await using var inbox = MailServer.OfServices();
        using (var felix = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() }) { BaseAddress = new Uri(platform.ApiUrl) })
        {
            (await felix.PostAsJsonAsync("/api/v1/auth/sign-in", new { username = "felix", password = platform.BrewerPassword })).EnsureSuccessStatusCode();
            (await felix.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = mailbox, alerts = false, lowStock = false })).EnsureSuccessStatusCode();
            await inbox.ConfirmAsync(felix, mailbox);
        }
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var phone = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true })).NewPageAsync();
        phone.Dialog += async (_, dialog) => await dialog.AcceptAsync();

        // Signed in, he lands on his stock.
        await SignInAsync(phone, platform.ApiUrl, "felix", platform.BrewerPassword);
        await phone.WaitForURLAsync("**/stock");
        await Assertions.Expect(phone.Locator("#levels")).ToContainTextAsync("STFUT-BLONDE-473");

        // A par level for the market's fridge: the rounds bring what is missing to get back to it.
        await phone.GetByRole(AriaRole.Link, new() { Name = "Niveaux", Exact = true }).TapAsync();
        await phone.GetByLabel("Frigo").SelectOptionAsync("frigo-stfut-marche");
        await phone.GetByLabel("Bière").SelectOptionAsync("STFUT-BLONDE-473");
        await phone.GetByLabel("Unités à tenir").FillAsync("30");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Fixer le niveau" }).TapAsync();
        await Assertions.Expect(phone.Locator("#flash")).ToContainTextAsync("Niveau fixé.");
        await Assertions.Expect(phone.Locator("tr[data-level=\"frigo-stfut-marche/STFUT-BLONDE-473\"]")).ToContainTextAsync("30");

        // A round to the market, made on the phone.
        await phone.GetByRole(AriaRole.Link, new() { Name = "Tournées", Exact = true }).TapAsync();
        var (round, roundId) = await MakeRoundAsync(phone, "frigo-stfut-marche");

        // Before filling, the shelf is counted from the round: empty but for one broken can of the first beer, so
        // everything else was sold and the broken can is a loss.
        await round.GetByRole(AriaRole.Link, new() { Name = "Compter Frigo COOP — Marché public de Saint-Fût avant de remplir" }).TapAsync();
        await phone.WaitForURLAsync(url => url.Contains("compter=frigo-stfut-marche", StringComparison.Ordinal));
        var shelves = phone.Locator("#count").GetByLabel("Sur la tablette");
        var beers = await shelves.CountAsync();
        Assert.True(beers > 0, "Saint-Fût has beer at the market's fridge in the demo world");
        for (var i = 0; i < beers; i++) await shelves.Nth(i).FillAsync("0");
        await phone.Locator("#count").GetByLabel("Cassées retirées").First.FillAsync("1");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Inscrire le comptage" }).TapAsync();
        await Assertions.Expect(phone.Locator("#flash")).ToContainTextAsync("Comptage inscrit.");
        var history = await platform.Lead.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/movements?location=frigo-stfut-marche&limit=500");
        var mine = history.GetProperty("items").EnumerateArray().Where(m => m.GetProperty("actor").GetString() == "felix").ToList();
        Assert.Contains(mine, m => m.GetProperty("kind").GetString() == "sale" && m.GetProperty("reason").GetString()!.Contains("by hand", StringComparison.Ordinal));
        Assert.Single(mine, m => m.GetProperty("kind").GetString() == "loss" && m.GetProperty("units").GetInt32() == 1);
        Assert.All(mine, m => Assert.StartsWith("STFUT-", m.GetProperty("sku").GetString(), StringComparison.Ordinal)); // its own beers only

        // Then the Blonde's line is ticked: thirty cans go in.
        var line = phone.Locator($"#round-{roundId} form.line").Filter(new() { HasText = "STFUT-BLONDE-473" });
        await line.Locator("input[name=units]").FillAsync("30");
        await line.GetByRole(AriaRole.Button, new() { Name = "Mis au frigo" }).TapAsync();
        await Assertions.Expect(phone.Locator($"#round-{roundId} .delivered").Filter(new() { HasText = "STFUT-BLONDE-473" })).ToContainTextAsync("30 mis au frigo");
        Assert.Equal(1, await platform.ScalarAsync("SELECT count(*) FROM movements WHERE reason = $1", $"restocking round {roundId}"));

        // What the count sold is in this month's revenue, with its taxes and deposit, and in what the market owes Saint-Fût.
        var soldByHand = mine.Where(m => m.GetProperty("kind").GetString() == "sale").Sum(m => m.GetProperty("units").GetInt32());
        await phone.GetByRole(AriaRole.Link, new() { Name = "Ventes", Exact = true }).TapAsync();
        var fridgeRevenue = phone.Locator("tr[data-revenue='saint-fut/fridge']");
        await Assertions.Expect(fridgeRevenue).ToBeVisibleAsync();
        var revenueUnits = int.Parse(new string((await fridgeRevenue.Locator("td[data-label='Unités']").InnerTextAsync()).Where(char.IsAsciiDigit).ToArray()), CultureInfo.InvariantCulture);
        Assert.True(revenueUnits >= soldByHand, $"this month's fridge revenue counts {revenueUnits} units, the count sold {soldByHand}");
        await Assertions.Expect(fridgeRevenue.Locator("td[data-label='Consigne']")).Not.ToHaveTextAsync("0,00\u00a0$");
        await phone.GetByRole(AriaRole.Link, new() { Name = "Relevés", Exact = true }).TapAsync();
        await Assertions.Expect(phone.Locator("#places")).ToContainTextAsync("frigo-stfut-marche");
        await Assertions.Expect(phone.Locator("#places")).Not.ToContainTextAsync("du-quai"); // its own lines only

        // Then a price for the fridges from tomorrow, typed in dollars, and ended again after a week.
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1));
        await phone.GetByRole(AriaRole.Link, new() { Name = "Prix", Exact = true }).TapAsync();
        await phone.GetByLabel("Bière").SelectOptionAsync("STFUT-BLONDE-473");
        await phone.GetByLabel("Canal").SelectOptionAsync("fridge");
        await phone.GetByLabel("Prix ($)").FillAsync("5.25");
        await phone.GetByLabel("À partir du").FillAsync(tomorrow.ToString("yyyy-MM-dd"));
        await phone.GetByRole(AriaRole.Button, new() { Name = "Fixer le prix" }).TapAsync();
        await Assertions.Expect(phone.Locator("#flash")).ToContainTextAsync("Prix fixé.");
        var set = (await platform.Lead.GetFromJsonAsync<System.Text.Json.JsonElement[]>($"/api/v1/prices?sku=STFUT-BLONDE-473&channel=fridge&on={tomorrow:yyyy-MM-dd}"))!;
        var id = Assert.Single(set).GetProperty("id").GetInt64();
        Assert.Equal(525, set[0].GetProperty("unitPriceCents").GetInt64());
        var row = phone.Locator($"tr[data-price=\"{id}\"]");
        await row.GetByLabel("Dernier jour").FillAsync(tomorrow.AddDays(6).ToString("yyyy-MM-dd"));
        await row.GetByRole(AriaRole.Button, new() { Name = "Terminer" }).TapAsync();
        await Assertions.Expect(phone.Locator("#flash")).ToContainTextAsync("Prix terminé.");
        Assert.DoesNotContain((await platform.Lead.GetFromJsonAsync<System.Text.Json.JsonElement[]>($"/api/v1/prices?sku=STFUT-BLONDE-473&channel=fridge&on={tomorrow.AddDays(7):yyyy-MM-dd}"))!,
            p => p.GetProperty("id").GetInt64() == id);

        // A new beer of the brewery's, added from the catalogue.
        await phone.GetByRole(AriaRole.Link, new() { Name = "Catalogue", Exact = true }).TapAsync();
        await phone.GetByText("Ajouter une bière").TapAsync();
        var newBeer = phone.Locator("#new-beer");
        await newBeer.GetByLabel("SKU").FillAsync("STFUT-GOSE-355");
        await newBeer.GetByLabel("Nom", new() { Exact = true }).FillAsync("Gose du Fût");
        await newBeer.GetByLabel("Format").SelectOptionAsync("can_355");
        await newBeer.GetByRole(AriaRole.Button, new() { Name = "Ajouter la bière" }).TapAsync();
        await Assertions.Expect(phone.Locator("#flash")).ToContainTextAsync("Bière ajoutée.");
        await Assertions.Expect(phone.Locator("tr[data-sku='STFUT-GOSE-355']")).ToContainTextAsync("saint-fut");

        // Signed out, the next morning he has forgotten his password: a link by mail, a new password, signed in again.
        await phone.GetByRole(AriaRole.Button, new() { Name = "Se déconnecter" }).TapAsync();
        await phone.WaitForURLAsync("**/connexion**");
        await phone.GetByRole(AriaRole.Link, new() { Name = "Mot de passe oublié ?" }).TapAsync();
        await phone.WaitForURLAsync("**/mot-de-passe-oublie");
        await phone.GetByLabel("Nom d'utilisateur").FillAsync("felix");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Envoyer le lien" }).TapAsync();
        await Assertions.Expect(phone.Locator("#flash")).ToContainTextAsync("le lien y est parti");
        var mails = await Eventually.Returns(() => inbox.MessagesAsync(mailbox), found => found.Any(m => ResetLink().IsMatch(m.Text)),
            TimeSpan.FromSeconds(30), $"the password reset mail to {mailbox}");
        await phone.GotoAsync(ResetLink().Match(mails.Last(m => ResetLink().IsMatch(m.Text)).Text).Value); // the link in the mail, opened on the phone
        const string NewPassword = "la nouvelle phrase de Félix";
        await phone.GetByLabel("Nouveau mot de passe (12 caractères ou plus)").FillAsync(NewPassword);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Changer le mot de passe" }).TapAsync();
        await Assertions.Expect(phone.Locator("#flash")).ToContainTextAsync("Mot de passe changé");
        await phone.GetByRole(AriaRole.Link, new() { Name = "Se connecter" }).TapAsync();
        await phone.GetByLabel("Nom d'utilisateur").FillAsync("felix");
        await phone.GetByLabel("Mot de passe").FillAsync(platform.BrewerPassword);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).TapAsync();
        await Assertions.Expect(phone.Locator(".error[role=alert]")).ToBeVisibleAsync(); // the old one no longer opens the dashboard
        await phone.GetByLabel("Mot de passe").FillAsync(NewPassword);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).TapAsync();
        await phone.WaitForURLAsync("**/stock");
        Assert.True(await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 391, "the stock page fits a phone");
    }

    [Fact]
    public async Task The_controls_that_act_without_a_button_work_on_a_phone_under_the_pages_policy()
    {
        await using var platform = await Platform.StartAsync();
        await platform.PlanDemoFestivalAsync();
        (await platform.Lead.PostAsJsonAsync("/api/v1/stock/restock/routes", new { name = "Tournée du marché", driver = "Félix", fridges = new[] { "frigo-stfut-marche" } }))
            .EnsureSuccessStatusCode();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var phone = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true })).NewPageAsync();
        var blocked = new List<string>();
        phone.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) blocked.Add(message.Text); };
        await SignInAsync(phone, platform.ApiUrl, "lea", platform.LeadPassword);
        await phone.WaitForURLAsync("**/flotte");

        // Each of the fleet's four filters applies as soon as it is changed (there is no button while scripts run).
        foreach (var (label, value, query) in new[] { ("Région", "Estrie", "region=Estrie"), ("Genre", "kiosk", "kind=kiosk"), ("Festival", "festif-demo", "festival=festif-demo"),
                     ("Brasserie", "bocal", "brewery=bocal") })
        {
            await phone.GotoAsync($"{platform.ApiUrl}/flotte");
            await phone.GetByRole(AriaRole.Combobox, new() { Name = label, Exact = true }).SelectOptionAsync(value);
            await phone.WaitForURLAsync(url => url.Contains(query, StringComparison.Ordinal));
        }
        // The route picker shows the chosen route.
        await phone.GotoAsync($"{platform.ApiUrl}/tournees");
        await phone.GetByRole(AriaRole.Combobox, new() { Name = "Trajet", Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Tournée du marché (Félix)" });
        await phone.WaitForURLAsync(url => url.Contains("route=", StringComparison.Ordinal));
        // Every "Imprimer" opens the print dialog (counted here: a headless browser has none to show).
        foreach (var (path, button) in new[] { ("/festivals/festif-demo/listes", "Imprimer"), ("/festivals/festif-demo/reglement", "Imprimer"), ("/rapport", "Imprimer / PDF"), ("/releves", "Imprimer / PDF") })
        {
            await phone.GotoAsync($"{platform.ApiUrl}{path}");
            await phone.EvaluateAsync("() => { window.printed = 0; window.print = () => { window.printed++; }; }");
            await phone.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).TapAsync();
            Assert.Equal(1, await phone.EvaluateAsync<int>("() => window.printed"));
        }
        Assert.Empty(blocked);
    }

    [Fact]
    public async Task The_lead_plans_a_festival_in_the_browser_and_prints_the_pick_lists()
    {
        await using var platform = await Platform.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await SignInAsync(page, platform.ApiUrl, "lea", platform.LeadPassword);
        await page.WaitForURLAsync("**/flotte");

        await page.GotoAsync($"{platform.ApiUrl}/festivals");
        await page.GetByText("Nouveau festival").ClickAsync();
        var create = page.Locator("form[data-api='/api/v1/festivals']");
        await create.GetByLabel("Code").FillAsync("festif-trois-rivieres");
        await create.GetByLabel("Nom").FillAsync("Festif de Trois-Rivières");
        await create.GetByLabel("Site").FillAsync("Parc portuaire");
        await create.GetByLabel("Région").FillAsync("Mauricie");
        // From today: its kiosks' sales can be typed today (a day to come has made none).
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("America/Toronto")).DateTime);
        string Day(int days) => today.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await create.GetByLabel("Début").FillAsync(Day(0));
        await create.GetByLabel("Fin").FillAsync(Day(3));
        await create.GetByLabel("Festivaliers attendus").FillAsync("600");
        await create.GetByLabel("Brasseries").SelectOptionAsync(["saint-fut", "du-quai", "bocal"]);
        await create.GetByRole(AriaRole.Button, new() { Name = "Créer" }).ClickAsync();
        var festival = page.Locator("section[data-festival='festif-trois-rivieres']");
        await Assertions.Expect(festival).ToBeVisibleAsync();

        foreach (var kiosk in new[] { "k1", "k2" })
        {
            var add = festival.Locator("form[data-api$='/kiosks']");
            await add.GetByLabel("Nouveau kiosque (code)").FillAsync(kiosk);
            await add.GetByLabel("Nom").FillAsync($"Kiosque {kiosk}");
            await add.GetByRole(AriaRole.Button, new() { Name = "Ajouter le kiosque" }).ClickAsync();
            await Assertions.Expect(festival.Locator($"tr[data-kiosk='{kiosk}']")).ToBeVisibleAsync();
        }
        var assign = festival.Locator("form.assign");
        await assign.GetByLabel("Kiosque").SelectOptionAsync("k1");
        await assign.GetByLabel("Appareil").SelectOptionAsync("kiosk-fest-01");
        await assign.GetByRole(AriaRole.Button, new() { Name = "Placer l'appareil" }).ClickAsync();
        await Assertions.Expect(festival.Locator("tr[data-kiosk='k1']")).ToContainTextAsync("kiosk-fest-01");
        await Assertions.Expect(page.Locator("svg.timeline rect.placement", new() { HasText = "festif-trois-rivieres" })).ToHaveCountAsync(1);
        // The same device on the other kiosk over the same dates is refused, in words.
        assign = festival.Locator("form.assign");
        await assign.GetByLabel("Kiosque").SelectOptionAsync("k2");
        await assign.GetByLabel("Appareil").SelectOptionAsync("kiosk-fest-01");
        await assign.GetByRole(AriaRole.Button, new() { Name = "Placer l'appareil" }).ClickAsync();
        await Assertions.Expect(assign.Locator("[role=status]")).ToContainTextAsync("est ailleurs certains de ces jours");

        await festival.GetByRole(AriaRole.Button, new() { Name = "Adopter l'allocation suggérée" }).ClickAsync();
        await Assertions.Expect(festival.Locator("tr[data-kiosk='k2']")).ToContainTextAsync("STFUT-BLONDE-473");
        // Then one kiosk's level set by hand, the others kept as adopted.
        var adopted = await platform.ScalarAsync(AllocationSql, "k2", "STFUT-BLONDE-473");
        await festival.GetByText("Modifier l'allocation, kiosque par kiosque").ClickAsync();
        var editor = festival.Locator("form.allocation");
        await editor.GetByLabel("Niveau de STFUT-BLONDE-473 au kiosque k1").FillAsync("48");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Enregistrer l'allocation" }).ClickAsync();
        await Assertions.Expect(festival.Locator("tr[data-kiosk='k1']")).ToContainTextAsync("STFUT-BLONDE-473 : 48 u");
        Assert.Equal(48, await platform.ScalarAsync(AllocationSql, "k1", "STFUT-BLONDE-473"));
        Assert.Equal(adopted, await platform.ScalarAsync(AllocationSql, "k2", "STFUT-BLONDE-473"));
        // The beer goes out to the kiosks: each brewery's pick list shipped by one press on the printable lists' page
        // (one transfer per line, once: the button gives way to when and by whom).
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(); // "ship it? each line goes once" (and later "cancel it?")
        await festival.GetByRole(AriaRole.Link, new() { Name = "Listes de préparation (imprimables)" }).ClickAsync();
        await page.WaitForURLAsync("**/festivals/festif-trois-rivieres/listes");
        await Assertions.Expect(page.Locator("section.pick")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("section[data-brewery='saint-fut'] h2")).ToContainTextAsync(Day(-1));
        foreach (var brewery in new[] { "saint-fut", "du-quai", "bocal" })
        {
            await page.Locator($"section[data-brewery='{brewery}']").GetByRole(AriaRole.Button, new() { Name = "Expédier cette liste" }).ClickAsync();
            await Assertions.Expect(page.Locator($"section[data-brewery='{brewery}'] .shipped")).ToContainTextAsync("Expédiée le");
        }
        Assert.Equal(48, await platform.ScalarAsync("SELECT sum(units) FROM movements m JOIN locations l ON l.id = m.to_location_id WHERE l.code = 'festif-trois-rivieres-k1' AND m.sku = 'STFUT-BLONDE-473'"));
        var quaiAtK2 = await platform.ScalarAsync(AllocationSql, "k2", "QUAI-BLONDE-473");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "listes.png"), FullPage = true });

        // Kiosk 2's device failed: its sales are typed by hand for the day they were made.
        await page.GotoAsync($"{platform.ApiUrl}/festivals");
        var typed = festival.Locator("details.stop-sales[data-kiosk='k2']");
        await typed.Locator("summary").ClickAsync();
        await typed.GetByLabel("Jour des ventes").FillAsync(Day(0));
        await typed.Locator("input[name='QUAI-BLONDE-473']").FillAsync("12");
        await typed.GetByRole(AriaRole.Button, new() { Name = "Inscrire les ventes" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("inscrites");

        // After the event two kinds come back, each on its own line: previewed first, then reconciled.
        var reconcile = festival.Locator("form.reconcile");
        await reconcile.GetByRole(AriaRole.Button, new() { Name = "Ajouter une ligne de retour" }).ClickAsync();
        var lines = reconcile.Locator("tr.return-line");
        await Assertions.Expect(lines).ToHaveCountAsync(2);
        foreach (var (i, kiosk, sku, units, to) in new[] { (0, "k1", "STFUT-BLONDE-473", "10", "saint-fut-brasserie"), (1, "k2", "QUAI-BLONDE-473", "5", "du-quai-brasserie") })
        {
            await lines.Nth(i).GetByLabel("Kiosque").SelectOptionAsync(kiosk);
            await lines.Nth(i).GetByLabel("Bière").SelectOptionAsync(sku);
            await lines.Nth(i).GetByLabel("Unités retournées").FillAsync(units);
            await lines.Nth(i).GetByLabel("Vers").SelectOptionAsync(to);
        }
        // A line without its beer is refused by name, and nothing is posted.
        await lines.Nth(1).GetByLabel("Bière").SelectOptionAsync("");
        await reconcile.GetByRole(AriaRole.Button, new() { Name = "Réconcilier" }).ClickAsync();
        await Assertions.Expect(reconcile.Locator("[role=status]")).ToContainTextAsync("returns[1].sku");
        Assert.Equal(0, await platform.ScalarAsync("SELECT count(*) FROM movements WHERE kind = 'return'"));
        await lines.Nth(1).GetByLabel("Bière").SelectOptionAsync("QUAI-BLONDE-473");
        var outcome = reconcile.Locator("[role=status]");
        await reconcile.GetByRole(AriaRole.Button, new() { Name = "Prévisualiser" }).ClickAsync();
        await Assertions.Expect(outcome).ToContainTextAsync("Aperçu, rien n'est inscrit");
        await Assertions.Expect(outcome).ToContainTextAsync("k1 STFUT-BLONDE-473 : envoyé 48, vendu 0, retourné 10, perte 38");
        Assert.Equal(0, await platform.ScalarAsync("SELECT count(*) FROM movements WHERE kind IN ('return', 'loss')"));
        await reconcile.GetByRole(AriaRole.Button, new() { Name = "Réconcilier" }).ClickAsync();
        await Assertions.Expect(outcome).Not.ToContainTextAsync("Aperçu");
        await Assertions.Expect(outcome).ToContainTextAsync("k1 STFUT-BLONDE-473 : envoyé 48, vendu 0, retourné 10, perte 38");
        await Assertions.Expect(outcome).ToContainTextAsync($"k2 QUAI-BLONDE-473 : envoyé {quaiAtK2}, vendu 12, retourné 5, perte {quaiAtK2 - 17}");
        Assert.Equal(10, await platform.ScalarAsync("SELECT sum(units) FROM movements WHERE kind = 'return' AND sku = 'STFUT-BLONDE-473'"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "festivals.png"), FullPage = true });

        // The results, kiosk by kiosk and brewery by brewery.
        await festival.GetByRole(AriaRole.Link, new() { Name = "Résultats", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/festivals/festif-trois-rivieres/resultats");
        var stfutAtK1 = page.Locator("tr[data-result='k1/saint-fut']");
        await Assertions.Expect(stfutAtK1.Locator("td[data-label='Retourné']")).ToHaveTextAsync("10");
        await Assertions.Expect(page.Locator("tr[data-result='k2/du-quai'] td[data-label='Vendu']")).ToHaveTextAsync("12");

        // The settlement: du Quai's twelve cans with their taxes and deposit (10 ¢ a can), the Table's fee; printed.
        await page.GoBackAsync();
        await festival.GetByRole(AriaRole.Link, new() { Name = "Règlement : qui doit quoi à qui" }).ClickAsync();
        await page.WaitForURLAsync("**/festivals/festif-trois-rivieres/reglement");
        var quai = page.Locator("section.statement[data-party='du-quai']");
        await Assertions.Expect(quai.Locator("tr", new() { HasText = "Unités vendues" })).ToContainTextAsync("12");
        await Assertions.Expect(quai.Locator("tr", new() { HasText = "Consigne" })).ToContainTextAsync("1,20");
        await Assertions.Expect(quai.Locator("tr", new() { HasText = "TPS" })).Not.ToContainTextAsync("0,00");
        await Assertions.Expect(quai.Locator("tr", new() { HasText = "TVQ" })).Not.ToContainTextAsync("0,00");
        await page.EvaluateAsync("() => { window.printed = 0; window.print = () => { window.printed++; }; }");
        await page.GetByRole(AriaRole.Button, new() { Name = "Imprimer" }).ClickAsync();
        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.printed"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "reglement.png"), FullPage = true });

        await page.GotoAsync($"{platform.ApiUrl}/festivals/festif-trois-rivieres/listes");
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(page.Locator("header")).ToBeHiddenAsync();

        // The funder report prints cleanly: no navigation, no form, the figures on the page.
        await page.EmulateMediaAsync(new() { Media = Media.Screen });
        await page.GotoAsync($"{platform.ApiUrl}/rapport?du=2020-01-01");
        await Assertions.Expect(page.Locator("#totals")).ToContainTextAsync("unités");
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(page.Locator("form.no-print")).ToBeHiddenAsync();
        var pdf = await page.PdfAsync(new() { Path = Path.Combine(Screenshots, "rapport.pdf"), Format = "Letter" });
        Assert.True(pdf.Length > 1000 && System.Text.Encoding.ASCII.GetString(pdf, 0, 5) == "%PDF-", "the report renders to PDF");
        await page.EmulateMediaAsync(new() { Media = Media.Screen });
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "rapport.png"), FullPage = true });

        // A tour of the breweries, from the page: a stop hosted by Saint-Fût, its sales typed once the beer was
        // sent there, the tour renamed; another festival cancelled before any beer went to it.
        await page.EmulateMediaAsync(new() { Media = Media.Screen });
        await page.GotoAsync($"{platform.ApiUrl}/festivals");
        await page.GetByText("Nouveau festival").ClickAsync();
        create = page.Locator("form[data-api='/api/v1/festivals']");
        await create.GetByLabel("Code").FillAsync("tournee-e2e");
        await create.GetByLabel("Nom").FillAsync("Tournée des brasseries");
        await create.GetByLabel("Site").FillAsync("Les brasseries");
        await create.GetByLabel("Région").FillAsync("Montérégie");
        await create.GetByLabel("Début").FillAsync(Day(-2));
        await create.GetByLabel("Fin").FillAsync(Day(0));
        await create.GetByLabel("Festivaliers attendus").FillAsync("300");
        await create.GetByLabel("Sorte").SelectOptionAsync("tour");
        await create.GetByLabel("Brasseries").SelectOptionAsync(["saint-fut"]);
        await create.GetByRole(AriaRole.Button, new() { Name = "Créer" }).ClickAsync();
        var tour = page.Locator("section[data-festival='tournee-e2e']");
        await Assertions.Expect(tour).ToContainTextAsync("tournée de brasseries");
        var stopForm = tour.Locator("form.stop");
        await stopForm.GetByLabel("Nouvel arrêt (code)").FillAsync("s1");
        await stopForm.GetByLabel("Nom").FillAsync("Saint-Fût, la salle");
        await stopForm.GetByLabel("Jour").FillAsync(Day(-1));
        await stopForm.GetByRole(AriaRole.Button, new() { Name = "Ajouter l'arrêt" }).ClickAsync();
        await Assertions.Expect(tour.Locator("tr[data-kiosk='s1']")).ToBeVisibleAsync();
        (await platform.Lead.PutAsJsonAsync("/api/v1/festivals/tournee-e2e/allocation", new[] { new { kiosk = "s1", sku = "STFUT-IPA-355", parUnits = 24 } })).EnsureSuccessStatusCode();
        (await platform.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "STFUT-IPA-355", units = 24, from = "saint-fut-brasserie", to = "tournee-e2e-s1" })).EnsureSuccessStatusCode();
        await page.ReloadAsync();
        var stopSales = page.Locator("details.stop-sales[data-stop='s1']");
        await stopSales.Locator("summary").ClickAsync();
        await stopSales.Locator("input[name='STFUT-IPA-355']").FillAsync("5");
        await stopSales.GetByRole(AriaRole.Button, new() { Name = "Inscrire les ventes" }).DblClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("inscrites");
        Assert.Equal(1, await platform.ScalarAsync(
            "SELECT count(*) FROM movements m JOIN locations l ON l.id = m.from_location_id WHERE l.code = 'tournee-e2e-s1' AND m.kind = 'sale' AND m.units = 5"));
        tour = page.Locator("section[data-festival='tournee-e2e']");
        await tour.Locator("details.edit > summary").ClickAsync();
        await tour.Locator("form.change input[name=name]").FillAsync("Tournée d'automne");
        await tour.Locator("form.change").GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(page.Locator("section[data-festival='tournee-e2e'] h2")).ToContainTextAsync("Tournée d'automne");

        (await platform.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code = "festif-pluie", name = "Festif sous la pluie", site = "Quai", region = "Mauricie", startsOn = "2027-10-01", endsOn = "2027-10-02", expectedAttendance = 500,
            breweries = new[] { "saint-fut" },
        })).EnsureSuccessStatusCode();
        await page.ReloadAsync();
        var rainy = page.Locator("section[data-festival='festif-pluie']");
        await rainy.Locator("details.edit > summary").ClickAsync();
        await rainy.Locator("form.cancel input[name=reason]").FillAsync("Orages annoncés");
        await rainy.Locator("form.cancel").GetByRole(AriaRole.Button, new() { Name = "Annuler le festival" }).ClickAsync();
        await Assertions.Expect(page.Locator("section[data-festival='festif-pluie'] .cancelled")).ToContainTextAsync("Orages annoncés");

        // A collab brew, from its page: planned with two partners, a contribution, brewed, fermenting, packaged —
        // the packaging run puts the partners' shares in the ledger.
        await page.GotoAsync($"{platform.ApiUrl}/brassins");
        await page.GetByText("Planifier un brassin collaboratif").ClickAsync();
        var brewForm = page.Locator("#new-brew");
        await brewForm.Locator("input[name=code]").FillAsync("cerise-e2e");
        await brewForm.Locator("input[name=name]").FillAsync("Cerise de terre");
        await brewForm.Locator("select[name=hostBrewery]").SelectOptionAsync("saint-fut");
        await brewForm.Locator("select[name=hostLocation]").SelectOptionAsync("saint-fut-brasserie");
        await brewForm.Locator("input[name=brewDate]").FillAsync("2027-05-01");
        await brewForm.Locator("input[name=plannedVolumeLitres]").FillAsync("500");
        await brewForm.Locator("select[name=agreement]").SelectOptionAsync("fixed");
        var partnerRow = brewForm.Locator("tr.partner").Last;
        await partnerRow.Locator("input[name=partnerKey]").FillAsync("saint-fut");
        await partnerRow.Locator("input[name=partnerName]").FillAsync("Saint-Fût");
        await partnerRow.Locator("select[name=partnerBrewery]").SelectOptionAsync("saint-fut");
        await partnerRow.Locator("select[name=partnerLocation]").SelectOptionAsync("saint-fut-brasserie");
        await partnerRow.Locator("input[name=partnerShare]").FillAsync("90");
        await brewForm.GetByRole(AriaRole.Button, new() { Name = "Ajouter un partenaire" }).ClickAsync();
        partnerRow = brewForm.Locator("tr.partner").Last;
        await partnerRow.Locator("input[name=partnerKey]").FillAsync("graphiste");
        await partnerRow.Locator("input[name=partnerName]").FillAsync("La graphiste");
        await partnerRow.Locator("select[name=partnerRole]").SelectOptionAsync("designer");
        await partnerRow.Locator("select[name=partnerTakes]").SelectOptionAsync("cash");
        await partnerRow.Locator("input[name=partnerShare]").FillAsync("10");
        await brewForm.GetByRole(AriaRole.Button, new() { Name = "Planifier", Exact = true }).ClickAsync();
        var brewSection = page.Locator("section[data-brew='cerise-e2e']");
        await Assertions.Expect(brewSection).ToContainTextAsync("planifié");
        await brewSection.Locator("details.contribution > summary").ClickAsync();
        var contribution = brewSection.Locator("form.contribution");
        await contribution.Locator("select[name=partner]").SelectOptionAsync("graphiste");
        await contribution.Locator("select[name=kind]").SelectOptionAsync("design");
        await contribution.Locator("input[name=description]").FillAsync("Étiquette");
        await contribution.Locator("input[name=cents]").FillAsync("450");
        await contribution.GetByRole(AriaRole.Button, new() { Name = "Inscrire l'apport" }).ClickAsync();
        await Assertions.Expect(page.Locator("section[data-brew='cerise-e2e'] tr[data-partner='graphiste'] .contributed")).ToContainTextAsync("450,00");
        foreach (var step in new[] { "brewed", "fermenting" })
        {
            var status = page.Locator("section[data-brew='cerise-e2e'] form.status");
            await status.Locator("select[name=status]").SelectOptionAsync(step);
            await status.GetByRole(AriaRole.Button, new() { Name = "Changer le statut" }).ClickAsync();
            await Assertions.Expect(page.Locator("section[data-brew='cerise-e2e'] .status-word")).ToHaveTextAsync(step == "brewed" ? "brassé" : "en fermentation");
        }
        brewSection = page.Locator("section[data-brew='cerise-e2e']");
        await brewSection.Locator("details.packaging > summary").ClickAsync();
        var packaging = brewSection.Locator("form.packaging");
        await packaging.Locator("input[name=brewedLitres]").FillAsync("480");
        await packaging.Locator("input[name=sku]").FillAsync("CERISE-E2E-473");
        await packaging.Locator("input[name=litres]").FillAsync("470");
        await packaging.GetByRole(AriaRole.Button, new() { Name = "Inscrire le conditionnement" }).ClickAsync();
        await Assertions.Expect(page.Locator("section[data-brew='cerise-e2e'] .status-word")).ToHaveTextAsync("conditionné");
        Assert.Equal(1, await platform.ScalarAsync("SELECT count(*) FROM movements WHERE kind = 'production' AND sku = 'CERISE-E2E-473'"));

        foreach (var (path, heading) in new[] { ("/epicerie", "Projet pilote en épicerie"), ("/brassins", "Brassins collaboratifs") })
        {
            await page.EmulateMediaAsync(new() { Media = Media.Screen });
            await page.GotoAsync(platform.ApiUrl + path);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading })).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, path.Trim('/') + ".png"), FullPage = true });
        }
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

    [Fact]
    public async Task A_brewer_makes_a_round_and_ticks_a_line_on_a_phone_once_and_the_lead_registers_and_places_a_bought_fridge()
    {
        await using var platform = await Platform.StartAsync();
        // A par level the demo shelf is surely under: the round has a line for Saint-Fût's IPA at its tasting room.
        (await platform.Lead.PutAsJsonAsync("/api/v1/par-levels", new { sku = "STFUT-IPA-355", location = "frigo-stfut-degustation", parUnits = 200 })).EnsureSuccessStatusCode();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);

        var phoneContext = await browser.NewContextAsync(new() { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var phone = await phoneContext.NewPageAsync();
        await SignInAsync(phone, platform.ApiUrl, "felix", platform.BrewerPassword);
        await phone.WaitForURLAsync("**/stock");
        await phone.GotoAsync($"{platform.ApiUrl}/tournees");
        // The page shows the new round; its IPA line is ticked with a double tap of the thumb (the brewer's day walk
        // counts its fridge from the round first).
        var (round, roundId) = await MakeRoundAsync(phone, "frigo-stfut-degustation");
        var line = round.Locator("form.line").Filter(new() { HasText = "STFUT-IPA-355" });
        await Assertions.Expect(line).ToBeVisibleAsync();
        await line.Locator("input[name=units]").FillAsync("10");
        await line.GetByRole(AriaRole.Button, new() { Name = "Mis au frigo" }).ClickAsync(new() { ClickCount = 2 });
        await Assertions.Expect(phone.Locator($"#round-{roundId} .delivered").Filter(new() { HasText = "STFUT-IPA-355" })).ToContainTextAsync("10 mis au frigo");
        Assert.Equal(1, await platform.ScalarAsync("SELECT count(*) FROM movements WHERE reason = $1", $"restocking round {roundId}"));
        Assert.True(await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 391, "the rounds page fits a phone");
        await phone.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "phone-round-ticked.png"), FullPage = true });

        // The lead registers a fridge the Table just bought (the cost typed in dollars), then places it.
        var page = await browser.NewPageAsync();
        await SignInAsync(page, platform.ApiUrl, "lea", platform.LeadPassword);
        await page.WaitForURLAsync("**/flotte");
        await page.GotoAsync($"{platform.ApiUrl}/parc");
        await page.GetByText("Inscrire un frigo acheté").ClickAsync();
        var register = page.Locator("#register-asset");
        await register.GetByLabel("Numéro de série").FillAsync("FRG-E2E-001");
        await register.GetByLabel("Modèle").FillAsync("True GDM-26");
        await register.GetByLabel("Coût ($)").FillAsync("1899.99");
        await register.GetByRole(AriaRole.Button, new() { Name = "Inscrire" }).ClickAsync();
        var asset = page.Locator("section.asset[data-serial='FRG-E2E-001']");
        await Assertions.Expect(asset).ToContainTextAsync("En entrepôt");
        Assert.Equal(189_999, await platform.ScalarAsync("SELECT cost_cents FROM fridge_assets WHERE serial = 'FRG-E2E-001'"));
        await asset.GetByText("Placer ce frigo").ClickAsync();
        await asset.GetByLabel("Lieu").SelectOptionAsync("frigo-bar-plateau");
        await asset.GetByRole(AriaRole.Button, new() { Name = "Placer", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("section.asset[data-serial='FRG-E2E-001'] .where")).ToContainTextAsync("Bar coop du Plateau");

        // The membership, from the page: a brewery leaves the Table, a rule is recorded.
        await page.GotoAsync($"{platform.ApiUrl}/membres");
        var quai = page.Locator("tr[data-brewery='du-quai']");
        await quai.Locator("select[name=status]").SelectOptionAsync("former");
        await quai.Locator("input[name=note]").FillAsync("Départ annoncé à l'AG");
        await quai.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("changé");
        await Assertions.Expect(page.Locator("tr[data-brewery='du-quai'] td").Nth(1)).ToHaveTextAsync("ancienne membre");
        await page.Locator("#new-rule textarea[name=text]").FillAsync("Une brasserie candidate présente deux bières à la dégustation.");
        await page.Locator("#new-rule").GetByRole(AriaRole.Button, new() { Name = "Inscrire la règle" }).ClickAsync();
        await Assertions.Expect(page.Locator("#rules")).ToContainTextAsync("présente deux bières");
        Assert.Equal(1, await platform.ScalarAsync("SELECT count(*) FROM admission_rules WHERE text LIKE '%présente deux bières%'"));

        // A key for a brewery's script, made on the page and shown once; it works.
        await page.GotoAsync($"{platform.ApiUrl}/personnes");
        var keyForm = page.Locator("#new-key");
        await keyForm.Locator("input[name=name]").FillAsync("tableur de Saint-Fût");
        await keyForm.Locator("select[name=brewery]").SelectOptionAsync("saint-fut");
        await keyForm.GetByRole(AriaRole.Button, new() { Name = "Créer la clé" }).ClickAsync();
        await Assertions.Expect(page.Locator("#new-key-value")).ToContainTextAsync("frigo_");
        var key = await page.Locator("#new-key-value").TextContentAsync();
        using var script = new HttpClient { BaseAddress = new Uri(platform.ApiUrl) };
        script.DefaultRequestHeaders.Add("X-Api-Key", key);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/v1/stock?brewery=saint-fut")).StatusCode);
        await page.ReloadAsync();
        Assert.DoesNotContain(key!, await page.ContentAsync());

        // A new person, added on the page with a first password shown once; she signs in and changes it on /avis.
        await page.GotoAsync($"{platform.ApiUrl}/personnes");
        await page.GetByText("Ajouter une personne").ClickAsync();
        var personForm = page.Locator("#new-person");
        await personForm.Locator("input[name=username]").FillAsync("nadia");
        await personForm.Locator("input[name=displayName]").FillAsync("Nadia (Saint-Fût)");
        await personForm.Locator("select[name=brewery]").SelectOptionAsync("saint-fut");
        await personForm.GetByRole(AriaRole.Button, new() { Name = "Ajouter", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#new-person-password")).Not.ToBeEmptyAsync();
        var firstPassword = (await page.Locator("#new-person-password").TextContentAsync())!;
        var nadia = await (await browser.NewContextAsync()).NewPageAsync();
        await SignInAsync(nadia, platform.ApiUrl, "nadia", firstPassword);
        await nadia.WaitForURLAsync("**/stock");
        await nadia.GotoAsync($"{platform.ApiUrl}/avis");
        await nadia.Locator("#password input[name=currentPassword]").FillAsync(firstPassword);
        await nadia.Locator("#password input[name=newPassword]").FillAsync("la saison des bleuets");
        await nadia.Locator("#password").GetByRole(AriaRole.Button, new() { Name = "Changer" }).ClickAsync();
        await Assertions.Expect(nadia.Locator("#flash")).ToContainTextAsync("Mot de passe changé");
        using (var check = new HttpClient { BaseAddress = new Uri(platform.ApiUrl) })
            Assert.Equal(HttpStatusCode.OK, (await check.PostAsJsonAsync("/api/v1/auth/sign-in", new { username = "nadia", password = "la saison des bleuets" })).StatusCode);

        // A new fridge's controller, registered and given its broker password on the page (shown once, with its
        // configuration); the password works on the devices' listener.
        await page.GotoAsync($"{platform.ApiUrl}/appareils");
        await page.GetByText("Inscrire ou déplacer un appareil").ClickAsync();
        var newDevice = page.Locator("#register-device");
        await newDevice.Locator("input[name=deviceId]").FillAsync("fridge-e2e-new");
        await newDevice.Locator("select[name=location]").SelectOptionAsync("frigo-bar-plateau");
        await newDevice.GetByRole(AriaRole.Button, new() { Name = "Inscrire" }).ClickAsync();
        var deviceRow = page.Locator("tr[data-device='fridge-e2e-new']");
        await Assertions.Expect(deviceRow).ToContainTextAsync("Bar coop du Plateau");
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(); // "a new password replaces the old one: go on?"
        await deviceRow.GetByRole(AriaRole.Button, new() { Name = "Nouveau mot de passe" }).ClickAsync();
        var shown = page.Locator("#credentials [data-field=password]");
        await Assertions.Expect(shown).Not.ToBeEmptyAsync();
        var devicePassword = (await shown.TextContentAsync())!;
        Assert.Contains(devicePassword, await page.Locator("#credentials [data-field=config]").TextContentAsync());
        using (var firmware = new MqttClientFactory().CreateMqttClient())
        {
            var connected = await firmware.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", LocalServices.Current.DeviceMqttPort)
                .WithCredentials("fridge-e2e-new", devicePassword).WithClientId("fridge-e2e-new").Build());
            Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        }
        await page.ReloadAsync();
        Assert.DoesNotContain(devicePassword, await page.ContentAsync());
        await Assertions.Expect(page.Locator("tr[data-device='fridge-e2e-new'] .access")).ToContainTextAsync("mot de passe donné le");

        // A grocery store's week, typed on its page: one sale movement per beer, once.
        await page.GotoAsync($"{platform.ApiUrl}/epicerie");
        var week = page.Locator("form.sell-through").First;
        var store = await week.GetAttributeAsync("data-store");
        await page.Locator("details:has(form.sell-through) > summary").First.ClickAsync();
        await week.Locator("input[data-sku]").First.FillAsync("5");
        await week.Locator("input[name=weekEnding]").FillAsync(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await week.GetByRole(AriaRole.Button, new() { Name = "Inscrire les ventes" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("inscrites");
        Assert.Equal(1, await platform.ScalarAsync(
            "SELECT count(*) FROM movements m JOIN locations l ON l.id = m.from_location_id WHERE l.code = $1 AND m.kind = 'sale' AND m.units = 5 AND m.occurred_at > now() - interval '2 days'", store!));
    }

    [Fact]
    public async Task A_double_click_records_one_movement_the_success_stays_said_and_an_expired_session_comes_back_to_the_form()
    {
        await using var platform = await Platform.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, platform.ApiUrl, "felix", platform.BrewerPassword);
        await page.WaitForURLAsync("**/stock");
        const string CountSql = "SELECT count(*) FROM movements WHERE reason = $1";

        // A double click on "Inscrire": one movement, and the page says so after it reloads, the reason in the history.
        var form = page.Locator("#movement");
        await form.Locator("select[name=kind]").SelectOptionAsync("production");
        await form.Locator("select[name=sku]").SelectOptionAsync("STFUT-IPA-355");
        await form.Locator("input[name=units]").FillAsync("6");
        await form.Locator("select[name=to]").SelectOptionAsync("saint-fut-brasserie");
        await form.Locator("input[name=reason]").FillAsync("Brassin 42, double clic");
        await form.GetByRole(AriaRole.Button, new() { Name = "Inscrire" }).DblClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToHaveTextAsync("✓ Mouvement inscrit.");
        await Assertions.Expect(page.Locator("#history")).ToContainTextAsync("Brassin 42, double clic");
        Assert.Equal(1, await platform.ScalarAsync(CountSql, "Brassin 42, double clic"));

        // A refusal is said next to its field, in words.
        await form.Locator("select[name=kind]").SelectOptionAsync("transfer");
        await form.Locator("input[name=units]").FillAsync("1");
        await form.Locator("select[name=from]").SelectOptionAsync("saint-fut-brasserie");
        await form.Locator("select[name=to]").SelectOptionAsync("saint-fut-brasserie");
        await form.GetByRole(AriaRole.Button, new() { Name = "Inscrire" }).ClickAsync();
        await Assertions.Expect(form.Locator("label:has(select[name=to]) .field-error")).ToBeVisibleAsync();
        await Assertions.Expect(form.Locator("select[name=to]")).ToHaveAttributeAsync("aria-invalid", "true");

        // The session ends (signed out elsewhere) while the form is being filled: signing in again brings the form back as it was.
        await form.Locator("select[name=kind]").SelectOptionAsync("production");
        await form.Locator("select[name=from]").SelectOptionAsync("");
        await form.Locator("input[name=units]").FillAsync("9");
        await form.Locator("input[name=reason]").FillAsync("Après la pause");
        await context.ClearCookiesAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Inscrire" }).ClickAsync();
        await page.WaitForURLAsync("**/connexion**");
        await page.GetByLabel("Nom d'utilisateur").FillAsync("felix");
        await page.GetByLabel("Mot de passe").FillAsync(platform.BrewerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await page.WaitForURLAsync("**/stock");
        await Assertions.Expect(page.Locator("#movement [role=status]")).ToContainTextAsync("votre saisie est revenue");
        await Assertions.Expect(page.Locator("#movement input[name=reason]")).ToHaveValueAsync("Après la pause");
        await Assertions.Expect(page.Locator("#movement input[name=units]")).ToHaveValueAsync("9");
        Assert.Equal(0, await platform.ScalarAsync(CountSql, "Après la pause"));
        await page.Locator("#movement").GetByRole(AriaRole.Button, new() { Name = "Inscrire" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToHaveTextAsync("✓ Mouvement inscrit.");
        Assert.Equal(1, await platform.ScalarAsync(CountSql, "Après la pause"));

        // An unknown address is a page, in the dashboard's look.
        var missing = await page.GotoAsync($"{platform.ApiUrl}/pas-une-page");
        Assert.Equal(404, missing!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page introuvable" })).ToBeVisibleAsync();
    }

    private const string AllocationSql = """
        SELECT a.par_units FROM kiosk_allocations a JOIN kiosks k ON k.id = a.kiosk_id JOIN festivals f ON f.id = k.festival_id
        WHERE f.code = 'festif-trois-rivieres' AND k.code = $1 AND a.sku = $2
        """;
}
