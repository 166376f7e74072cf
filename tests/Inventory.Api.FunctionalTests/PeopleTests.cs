using Inventory.Api.Auth;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// Issue 19: the lead adds a person from the dashboard (a first password shown once; an existing account is
/// refused, never reset as the admin command's upsert would), and a person changes their own password.
/// </summary>
public sealed class PeopleTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private async Task<HttpClient> SignInAsync(string username, string password, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var client = api.NewBrowser();
        Assert.Equal(expected, (await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { username, password })).StatusCode);
        return client;
    }

    [Fact]
    public async Task The_lead_adds_a_person_who_signs_in_with_the_first_password_and_a_taken_username_is_refused_not_reset()
    {
        var username = $"n{Guid.NewGuid():N}"[..10];
        var response = await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/people", new { username, displayName = "Nadia (Aube)", role = "brewer", brewery = "aube" }));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var firstPassword = created.GetProperty("firstPassword").GetString()!;
        Assert.True(firstPassword.Length >= 20);
        var nadia = await SignInAsync(username, firstPassword);
        Assert.Equal("aube", (await nadia.GetFromJsonAsync<JsonElement>("/api/v1/auth/me")).GetProperty("brewery").GetString());

        // The same username again: refused by name, and the person's password is what it was.
        var again = await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/people", new { username, displayName = "Quelqu'un d'autre", role = "lead" }), HttpStatusCode.Conflict);
        Assert.Equal("username", again.GetProperty("field").GetString());
        await SignInAsync(username, firstPassword);

        // Refusals by field, and only the lead adds people.
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/people", new { username = "Pas Valide", displayName = "x", role = "brewer", brewery = "aube" }), HttpStatusCode.BadRequest, "username");
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/people", new { username = "sans-brasserie", displayName = "x", role = "brewer" }), HttpStatusCode.BadRequest, "brewery");
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/people", new { username = "nulle-part", displayName = "x", role = "brewer", brewery = "nulle-part" }), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.PostAsJsonAsync("/api/v1/people", new { username = "intrus", displayName = "x", role = "lead" })).StatusCode);
        await SignInAsync("nulle-part", "whatever-it-is", HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_person_changes_their_password_and_their_other_sessions_end()
    {
        var username = $"c{Guid.NewGuid():N}"[..10];
        var created = await (await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/people", new { username, displayName = "Camille", role = "lead" }))).Content.ReadFromJsonAsync<JsonElement>();
        var first = created.GetProperty("firstPassword").GetString()!;
        var here = await SignInAsync(username, first);
        var elsewhere = await SignInAsync(username, first);

        await ProblemAssert.HasStatusAsync(await here.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = "not it at all", newPassword = "un long mot de passe" }), HttpStatusCode.BadRequest, "currentPassword");
        await ProblemAssert.HasStatusAsync(await here.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = first, newPassword = "court" }), HttpStatusCode.BadRequest, "newPassword");
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/api/v1/auth/me")).StatusCode); // nothing changed yet

        Assert.Equal(HttpStatusCode.NoContent, (await here.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = first, newPassword = "un long mot de passe" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync("/api/v1/auth/me")).StatusCode);
        await SignInAsync(username, first, HttpStatusCode.Unauthorized);
        await SignInAsync(username, "un long mot de passe");

        // A key has no password to change.
        Assert.Equal(HttpStatusCode.Forbidden, (await api.WithApiKey(api.LeadKey).PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = first, newPassword = "un long mot de passe 2" })).StatusCode);
    }
}

/// <summary>Guessing through an open session, on a fixture of its own (the limits count per client address, and the test server has one).</summary>
public sealed class PasswordGuessingTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    [Fact]
    public async Task Wrong_current_passwords_past_five_make_the_person_wait_on_the_password_change_and_on_sign_in_alike()
    {
        var username = $"g{Guid.NewGuid():N}"[..10];
        var created = await (await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/people", new { username, displayName = "Gabrielle", role = "brewer", brewery = "aube" }))).Content.ReadFromJsonAsync<JsonElement>();
        var first = created.GetProperty("firstPassword").GetString()!;
        // A tablet left signed in: whoever picks it up tries to guess the password to change it.
        var tablet = api.NewBrowser();
        Assert.Equal(HttpStatusCode.OK, (await tablet.PostAsJsonAsync("/api/v1/auth/sign-in", new { username, password = first })).StatusCode);
        for (var i = 0; i < SignInThrottle.FreeFailures; i++)
            await ProblemAssert.HasStatusAsync(await tablet.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = $"guess {i}", newPassword = "un long mot de passe" }), HttpStatusCode.BadRequest, "currentPassword");

        // Now even the right one waits, and the wait says how long.
        var locked = await tablet.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = first, newPassword = "un long mot de passe" });
        await ProblemAssert.HasStatusAsync(locked, HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(locked.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 30);
        // The same failures count at the sign-in door: no fresh guesses by signing in instead.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await api.NewBrowser().PostAsJsonAsync("/api/v1/auth/sign-in", new { username, password = first })).StatusCode);
        // And the password did not change.
        Assert.Equal(HttpStatusCode.OK, (await tablet.GetAsync("/api/v1/auth/me")).StatusCode);
    }
}
