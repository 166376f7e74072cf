using System.Net;
using System.Text.RegularExpressions;
using Inventory.Api.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// A forgotten password, reset through the mail in a real SMTP server: the link goes to the person's confirmed
/// address only, works once, within the hour, while it is the latest; three a day; asking says nothing of the account.
/// </summary>
[Collection(nameof(NotificationCollection))]
public sealed partial class PasswordResetTests(NotifyingInventoryApi api)
{
    private const string NewPassword = "une toute nouvelle phrase";

    /// <summary>A brewer of their own (the shared people's passwords stay as they are), signed in, with a confirmed address.</summary>
    private async Task<(string Username, string Email, HttpClient Session)> PersonWithConfirmedAddressAsync()
    {
        var username = $"oubli-{Guid.NewGuid():N}"[..18];
        var email = $"{username}@stfut.test";
        await api.Services.GetRequiredService<Accounts>().CreateUserAsync(username, "Quelqu'un d'oublieux", InventoryApi.Password, Roles.Brewer, "saint-fut");
        var session = await SignInAsync(username, InventoryApi.Password);
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        var person = session.Client;
        // Told of nothing: the other tests of the collection count the alerts' deliveries to Saint-Fût's people.
        Assert.Equal(HttpStatusCode.OK, (await person.PutAsJsonAsync("/api/v1/notifications/subscription", new { email, alerts = false, lowStock = false })).StatusCode);
        await api.DispatchAsync();
        await api.Mail.ConfirmAsync(api.Anonymous, email);
        return (username, email, person);
    }

    private async Task<(HttpStatusCode StatusCode, HttpClient Client)> SignInAsync(string username, string password)
    {
        var client = api.NewBrowser();
        var response = await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { username, password });
        return (response.StatusCode, client);
    }

    private async Task<HttpResponseMessage> AskAsync(string username)
    {
        var response = await api.Anonymous.PostAsJsonAsync("/api/v1/auth/password-reset", new { username });
        await api.DispatchAsync();
        return response;
    }

    private Task<HttpResponseMessage> ResetAsync(string code, string newPassword = NewPassword) =>
        api.Anonymous.PostAsJsonAsync("/api/v1/auth/password-reset/confirm", new { code, newPassword });

    private async Task<List<string>> CodesMailedToAsync(string email) =>
        (await api.Mail.MessagesAsync(email)).Where(m => m.Subject.Contains("Nouveau mot de passe", StringComparison.Ordinal))
            .Select(m => ResetLink().Match(m.Text)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex("http://dashboard\\.test/mot-de-passe/nouveau\\?code=([0-9a-f]{64})")]
    private static partial Regex ResetLink();

    [Fact]
    public async Task A_forgotten_password_is_reset_by_the_mailed_link_once_and_every_session_of_the_person_ends()
    {
        var (username, email, session) = await PersonWithConfirmedAddressAsync();

        var asked = await AskAsync(username);
        Assert.Equal(HttpStatusCode.NoContent, asked.StatusCode);
        var code = Assert.Single(await Eventually.Returns(() => CodesMailedToAsync(email), codes => codes.Count > 0, TimeSpan.FromSeconds(30), $"the reset mail to {email}"));

        // Refusals by field: a malformed code, a short password, a code nobody was sent.
        await ProblemAssert.HasStatusAsync(await ResetAsync("pas-un-code"), HttpStatusCode.BadRequest, "code");
        await ProblemAssert.HasStatusAsync(await ResetAsync(code, "court"), HttpStatusCode.BadRequest, "newPassword");
        await ProblemAssert.HasStatusAsync(await ResetAsync(new string('a', 64)), HttpStatusCode.NotFound, "code");

        Assert.Equal(HttpStatusCode.NoContent, (await ResetAsync(code)).StatusCode);
        // Whoever was signed in as them (with the password someone may have read over a shoulder) is out, at once.
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(username, InventoryApi.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(username, NewPassword)).StatusCode);
        // Once.
        await ProblemAssert.HasStatusAsync(await ResetAsync(code, "encore une autre phrase"), HttpStatusCode.NotFound, "code");
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(username, NewPassword)).StatusCode);
    }

    [Fact]
    public async Task Only_the_latest_code_works_within_the_hour_and_a_person_is_mailed_three_a_day_whoever_asks()
    {
        var (username, email, _) = await PersonWithConfirmedAddressAsync();
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await AskAsync(username)).StatusCode);
            await Eventually.Returns(() => CodesMailedToAsync(email), codes => codes.Count == i, TimeSpan.FromSeconds(30), $"reset mail {i} to {email}");
        }
        // A fourth the same day is answered the same, and mailed to nobody: a stranger typing a username cannot flood its owner.
        var fourth = await AskAsync(username);
        Assert.Equal(HttpStatusCode.NoContent, fourth.StatusCode);
        Assert.Equal(3, await api.ScalarAsync("SELECT count(*) FROM password_resets r JOIN users u ON u.id = r.user_id WHERE u.username = $1", username));
        var codes = await CodesMailedToAsync(email);
        Assert.Equal(3, codes.Count);

        // The earlier codes were replaced by the latest; the latest, an hour old, has expired.
        await api.ScalarAsync("""
            UPDATE password_resets SET created_at = now() - interval '61 minutes'
            WHERE id = (SELECT max(r.id) FROM password_resets r JOIN users u ON u.id = r.user_id WHERE u.username = $1)
            """, username);
        foreach (var code in codes)
            await ProblemAssert.HasStatusAsync(await ResetAsync(code), HttpStatusCode.NotFound, "code");
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(username, InventoryApi.Password)).StatusCode);
    }

    [Fact]
    public async Task Asking_says_nothing_of_the_account_and_mails_only_a_confirmed_address_of_a_person_not_disabled()
    {
        // Unknown, without a confirmed address, disabled: the same answer as a real one, and no mail, no code.
        var unconfirmed = $"sans-{Guid.NewGuid():N}"[..17];
        await api.Services.GetRequiredService<Accounts>().CreateUserAsync(unconfirmed, "Sans adresse", InventoryApi.Password, Roles.Brewer, "saint-fut");
        var (disabled, disabledEmail, _) = await PersonWithConfirmedAddressAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await api.Lead.PostAsync($"/api/v1/people/{disabled}/disable", null)).StatusCode);
        var (known, _, _) = await PersonWithConfirmedAddressAsync();

        var answers = new List<(HttpStatusCode, string)>();
        foreach (var username in new[] { known, "personne-de-connu", unconfirmed, disabled })
        {
            var response = await AskAsync(username);
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }
        Assert.All(answers, answer => Assert.Equal(answers[0], answer));
        Assert.Equal(HttpStatusCode.NoContent, answers[0].Item1);
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM password_resets r JOIN users u ON u.id = r.user_id WHERE u.username IN ($1, $2)", unconfirmed, disabled));
        Assert.Empty(await CodesMailedToAsync(disabledEmail));
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM password_resets r JOIN users u ON u.id = r.user_id WHERE u.username = $1", known));
    }

    /// <summary>
    /// The answer does the same work whatever the username: it records the request, and the outbox's worker looks the
    /// account up and mails after the answer. Before, a real account with an address cost a lookup, a code and a mail in
    /// the request, and the answer's time said so (docs/security.md).
    /// </summary>
    [Fact]
    public async Task The_answer_records_the_request_only_and_the_mail_is_made_after_it()
    {
        var (known, email, _) = await PersonWithConfirmedAddressAsync();
        const string codes = "SELECT count(*) FROM password_resets r JOIN users u ON u.id = r.user_id WHERE u.username = $1";
        const string requests = "SELECT count(*) FROM password_reset_requests WHERE username = $1";
        foreach (var username in new[] { known, "personne-de-connu" })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await api.Anonymous.PostAsJsonAsync("/api/v1/auth/password-reset", new { username = username.ToUpperInvariant() })).StatusCode);
            Assert.Equal(1, await api.ScalarAsync(requests, username)); // recorded as asked, whoever it names
        }
        Assert.Equal(0, await api.ScalarAsync(codes, known)); // nothing looked up, made or mailed in the answer

        await api.DispatchAsync();
        Assert.Equal((1L, 0L, 0L), (await api.ScalarAsync(codes, known), await api.ScalarAsync(requests, known), await api.ScalarAsync(requests, "personne-de-connu")));
        var code = Assert.Single(await CodesMailedToAsync(email));
        // Sent, the mail keeps no copy of its code in the database (nor does the address confirmation's before it).
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM notification_deliveries WHERE destination = $1 AND body LIKE '%' || $2 || '%'", email, code));
        Assert.Equal(0, await api.ScalarAsync("""
            SELECT count(*) FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id
            WHERE d.destination = $1 AND d.sent_at IS NOT NULL AND e.kind IN ('password_reset', 'email_verification') AND d.body NOT LIKE '(envoyé%'
            """, email));
    }
}
