using Inventory.Api.Auth;

namespace Inventory.Api.FunctionalTests;

/// <summary>Who may move which beer (pure: no database).</summary>
public sealed class CallerTests
{
    private const long StFut = 1, Aube = 2;

    private static Caller Brewer(long brewery) => new("user:1", "brewer", Roles.Brewer, brewery);

    [Theory]
    // Its own beer (its part of a collab brew is one: its own SKU, its brewery); another brewery's, never, collab or not.
    [InlineData(StFut, StFut, true)]
    [InlineData(StFut, Aube, false)]
    [InlineData(Aube, Aube, true)]
    [InlineData(Aube, StFut, false)]
    public void A_brewer_moves_its_own_breweries_beers_only(long brewer, long owner, bool allowed) =>
        Assert.Equal(allowed, Brewer(brewer).MayMoveBeerOf(owner));

    [Fact]
    public void The_lead_moves_any_and_a_machine_none_through_people_s_endpoints() =>
        Assert.Equal((true, false, false), (new Caller("user:2", "lea", Roles.Lead, null).MayMoveBeerOf(StFut),
            new Caller("key:1", "gateway", Roles.Gateway, null).MayMoveBeerOf(null), Brewer(StFut).MayMoveBeerOf(null)));
}
