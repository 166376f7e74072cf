namespace Inventory.Api.FunctionalTests;

/// <summary>
/// The season replay's acting clock (Infrastructure/ActingClock.cs): in the Season environment a person's request made
/// at a simulated instant is dated then, "now" and "not in the future" included; without the setting the header changes
/// nothing (and the setting stops any other environment at start: <c>StartupSettingsTests</c>).
/// </summary>
public sealed class ActingClockTests(SeasonInventoryApi season) : IClassFixture<SeasonInventoryApi>
{
    private static HttpRequestMessage Production(string at, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/movements") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Acting-At", at);
        return request;
    }

    [Fact]
    public async Task A_request_made_at_a_simulated_instant_is_dated_then_and_judged_then()
    {
        var response = await InventoryApi.Created(season.Lead.SendAsync(Production("2026-10-31T21:30:00.0000000-04:00",
            new { kind = "production", sku = "STFUT-BLONDE-355", units = 12, to = "stfut-brasserie" })));
        var movement = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("movements")[0];
        Assert.Equal(DateTimeOffset.Parse("2026-11-01T01:30:00Z", System.Globalization.CultureInfo.InvariantCulture), movement.GetProperty("occurredAt").GetDateTimeOffset());

        // An hour after the simulated now is the future then, whatever today is.
        await ProblemAssert.HasStatusAsync(await season.Lead.SendAsync(Production("2026-10-31T21:30:00.0000000-04:00",
            new { kind = "production", sku = "STFUT-BLONDE-355", units = 12, to = "stfut-brasserie", occurredAt = "2026-10-31T22:30:00-04:00" })),
            HttpStatusCode.BadRequest, "occurredAt");
        Assert.Equal(HttpStatusCode.BadRequest, (await season.Lead.SendAsync(Production("last Tuesday", new { }))).StatusCode);
    }

    [Fact]
    public async Task Without_the_setting_the_header_changes_nothing()
    {
        await using var api = new InventoryApi();
        await api.InitializeAsync();
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        var response = await InventoryApi.Created(api.Lead.SendAsync(Production("2026-10-31T21:30:00.0000000-04:00",
            new { kind = "production", sku = "STFUT-BLONDE-355", units = 12, to = "stfut-brasserie" })));
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("movements")[0].GetProperty("occurredAt").GetDateTimeOffset() > before);
    }
}
