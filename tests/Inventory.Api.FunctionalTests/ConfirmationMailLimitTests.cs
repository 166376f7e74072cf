namespace Inventory.Api.FunctionalTests;

/// <summary>A person typing other people's addresses can mail each one confirmation, three a day, not more.</summary>
public sealed class ConfirmationMailLimitTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    [Fact]
    public async Task Three_new_addresses_a_day_get_a_confirmation_mail_and_a_fourth_is_refused_by_field()
    {
        foreach (var victim in new[] { "a@rival.test", "b@rival.test", "c@rival.test" })
            Assert.Equal(HttpStatusCode.OK, (await api.Aube.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = victim })).StatusCode);

        await ProblemAssert.HasStatusAsync(await api.Aube.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = "d@rival.test" }), HttpStatusCode.UnprocessableEntity, "email");
        // Saving the address it has again is no new mail; another person has three of their own.
        Assert.Equal(HttpStatusCode.OK, (await api.Aube.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = "c@rival.test", lowStock = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/notifications/subscription", new { email = "d@rival.test" })).StatusCode);
    }
}
