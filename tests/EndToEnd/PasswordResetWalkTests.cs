using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace EndToEnd;

/// <summary>A brewer who forgot the password, on a 390 px phone, by taps and typing: the link comes through the local SMTP server.</summary>
public sealed partial class PasswordResetWalkTests
{
    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/mot-de-passe/nouveau\?code=[0-9a-f]{64}")]
    private static partial Regex ResetLink();

    [Fact]
    public async Task A_brewer_who_forgot_the_password_gets_a_link_by_mail_and_signs_in_with_a_new_one_on_the_phone()
    {
        await using var platform = await Platform.StartAsync();
        var mailbox = $"felix-{Guid.NewGuid():N}"[..18] + "@stfut.test";
        await using var inbox = MailServer.OfServices();
        using (var felix = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(platform.ApiUrl) })
        {
            (await felix.PostAsJsonAsync("/api/v1/auth/sign-in", new { username = "felix", password = platform.BrewerPassword })).EnsureSuccessStatusCode();
            (await felix.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = mailbox, alerts = false, lowStock = false })).EnsureSuccessStatusCode();
            await inbox.ConfirmAsync(felix, mailbox); // the reset link goes to a confirmed address only
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DashboardTests.LaunchAsync(playwright);
        var phone = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true })).NewPageAsync();
        await phone.GotoAsync($"{platform.ApiUrl}/connexion");
        await phone.GetByRole(AriaRole.Link, new() { Name = "Mot de passe oublié ?" }).TapAsync();
        await phone.WaitForURLAsync("**/mot-de-passe-oublie");
        await phone.GetByLabel("Nom d'utilisateur").FillAsync("felix");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Envoyer le lien" }).TapAsync();
        await Assertions.Expect(phone.Locator("#flash")).ToContainTextAsync("le lien y est parti");

        // The mail, in the local SMTP server: its link opens the page to choose the new password, the code filled in.
        var mails = await Eventually.Returns(() => inbox.MessagesAsync(mailbox), found => found.Any(m => ResetLink().IsMatch(m.Text)),
            TimeSpan.FromSeconds(30), $"the password reset mail to {mailbox}");
        var link = ResetLink().Match(mails.Last(m => ResetLink().IsMatch(m.Text)).Text).Value;
        await phone.GotoAsync(link);
        const string NewPassword = "la nouvelle phrase de Félix";
        await phone.GetByLabel("Nouveau mot de passe (12 caractères ou plus)").FillAsync(NewPassword);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Changer le mot de passe" }).TapAsync();
        await Assertions.Expect(phone.Locator("#flash")).ToContainTextAsync("Mot de passe changé");

        // The old password no longer opens the dashboard; the new one does.
        await phone.GetByRole(AriaRole.Link, new() { Name = "Se connecter" }).TapAsync();
        await phone.GetByLabel("Nom d'utilisateur").FillAsync("felix");
        await phone.GetByLabel("Mot de passe").FillAsync(platform.BrewerPassword);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).TapAsync();
        await Assertions.Expect(phone.Locator(".error[role=alert]")).ToBeVisibleAsync();
        await phone.GetByLabel("Mot de passe").FillAsync(NewPassword);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).TapAsync();
        await phone.WaitForURLAsync("**/stock");
        await Assertions.Expect(phone.Locator("h1")).ToContainTextAsync("saint-fut");
    }
}
