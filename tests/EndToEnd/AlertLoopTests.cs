using System.Net.Http.Headers;
using Microsoft.Playwright;

namespace EndToEnd;

/// <summary>
/// Issue 18 end to end: the heat-wave scenario through simulator, broker, gateway and API reaches the
/// brewer's mailbox in the real SMTP server (smtp4dev), and the lead acknowledges an alert in the browser.
/// </summary>
public sealed class AlertLoopTests
{
    [Fact]
    public async Task A_heat_wave_reaches_the_brewers_mailbox_and_the_lead_takes_an_alert_in_hand_on_a_phone()
    {
        await using var platform = await Platform.StartAsync();
        var mailbox = $"felix-{Guid.NewGuid():N}"[..18] + "@stfut.test";
        using (var felix = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(platform.ApiUrl) })
        {
            (await felix.PostAsJsonAsync("/api/v1/auth/sign-in", new { username = "felix", password = platform.BrewerPassword })).EnsureSuccessStatusCode();
            (await felix.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = mailbox, alerts = true, lowStock = false })).EnsureSuccessStatusCode();
            // Nothing goes to an address before its owner confirms it with the code mailed to it.
            await using var inbox = MailServer.OfServices();
            await inbox.ConfirmAsync(felix, mailbox);
        }

        await platform.RunScenarioAsync("heat-wave");

        // Simulator → broker → gateway → API: the alert history holds the market fridge's warm afternoon, raised and cleared.
        await Eventually.Holds(async () => await platform.ScalarAsync(
            "SELECT count(*) FROM alerts WHERE device_id = 'fridge-stfut-02' AND type = 'temperature_high' AND cleared_at IS NOT NULL") > 0,
            TimeSpan.FromSeconds(60), "fridge-stfut-02's temperature_high raised and cleared in the API");
        // … and Saint-Fût's brewer finds it in his mailbox: one notice for each time it was raised, none twice.
        await using var mail = MailServer.OfServices();
        const string Notice = "Bière trop chaude : Frigo COOP — Marché public de Saint-Fût (appareil fridge-stfut-02)";
        var raised = await platform.ScalarAsync("SELECT count(*) FROM alerts WHERE device_id = 'fridge-stfut-02' AND type = 'temperature_high'");
        List<MailServer.Mail> mails;
        try
        {
            mails = await Eventually.Returns(() => mail.MessagesAsync(mailbox),
                m => m.Sum(x => x.Text.Split(Notice).Length - 1) >= 1, TimeSpan.FromSeconds(60), $"a notice of fridge-stfut-02 in {mailbox}");
        }
        catch (TimeoutException e)
        {
            // Once in a full run (session 20) no notice came, and the test could not say why: what the outbox and the ledger held.
            throw new TimeoutException($"""
                {e.Message}
                mails to {mailbox}: {string.Join("; ", (await mail.MessagesAsync(mailbox)).Select(m => m.Subject))}
                deliveries to it: {await platform.RowsAsTextAsync("SELECT e.kind, d.subject, d.sent_at, d.attempts, d.last_error, d.abandoned_reason FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id WHERE d.destination = $1", mailbox)}
                alerts of fridge-stfut-02: {await platform.RowsAsTextAsync("SELECT type, raised_at, cleared_at, location_id FROM alerts WHERE device_id = 'fridge-stfut-02'")}
                events not fanned out: {await platform.RowsAsTextAsync("SELECT id, kind, created_at FROM notification_events WHERE fanned_out_at IS NULL")}
                Saint-Fût's beer at the market: {await platform.RowsAsTextAsync("SELECT m.kind, m.sku, m.units, m.occurred_at, m.from_location_id, m.to_location_id FROM movements m JOIN locations l ON l.id IN (m.from_location_id, m.to_location_id) WHERE l.code = 'frigo-stfut-marche' AND m.sku LIKE 'STFUT-%' ORDER BY m.occurred_at DESC LIMIT 12")}
                """, e);
        }
        // (A later raise, once the shelf sold out, is not Saint-Fût's business any more: at most one notice per raise.)
        Assert.InRange(mails.Sum(m => m.Text.Split(Notice).Length - 1), 1, raised);
        Assert.All(mails, m => Assert.StartsWith("[Frigo COOP]", m.Subject));

        // The festival's kiosk loses power; the lead takes it in hand from her phone, with a note.
        using var gateway = new HttpClient { BaseAddress = new Uri(platform.ApiUrl) };
        gateway.DefaultRequestHeaders.Add("X-Api-Key", platform.GatewayKey);
        var at = DateTimeOffset.UtcNow;
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/device-reports/alerts")
        {
            Content = JsonContent.Create(new { deviceId = "kiosk-fest-01", type = "power_lost", state = "raised", startedAt = at, at, detail = "on battery" }),
        };
        request.Headers.Add("Idempotency-Key", $"kiosk-fest-01:alert:power_lost:raised:{at.ToUnixTimeMilliseconds()}");
        (await gateway.SendAsync(request)).EnsureSuccessStatusCode();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DashboardTests.LaunchAsync(playwright);
        var phone = await (await browser.NewContextAsync(new() { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true })).NewPageAsync();
        await DashboardTests.SignInAsync(phone, platform.ApiUrl, "lea", platform.LeadPassword);
        await phone.WaitForURLAsync("**/flotte");
        await phone.GotoAsync($"{platform.ApiUrl}/alertes");
        var card = phone.Locator("section.alert-open[data-device='kiosk-fest-01']").Filter(new() { HasText = "Panne de courant" });
        await card.GetByLabel("Note (ce qui est fait)").FillAsync("Génératrice branchée, je surveille");
        await card.GetByRole(AriaRole.Button, new() { Name = "Je m'en occupe" }).TapAsync();
        await Assertions.Expect(phone.Locator("section.alert-open[data-device='kiosk-fest-01'] .acknowledged")).ToContainTextAsync("Pris en charge par lea");
        Assert.Equal(1, await platform.ScalarAsync(
            "SELECT count(*) FROM alerts WHERE device_id = 'kiosk-fest-01' AND type = 'power_lost' AND acknowledged_by = 'lea' AND acknowledgement_note = 'Génératrice branchée, je surveille'"));
        Assert.True(await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 391, "the alerts page fits a phone");
    }
}
