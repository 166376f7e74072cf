using Inventory.Api.Auth;

namespace Inventory.Api.FunctionalTests;

/// <summary>Who may move which beer from where (pure: no database).</summary>
public sealed class CallerTests
{
    private const long StFut = 1, Aube = 2, Quai = 3;
    private static readonly long[] NotCollab = [], StFutWithAube = [StFut, Aube];

    private static Caller Brewer(long brewery) => new("user:1", "brewer", Roles.Brewer, brewery);

    [Theory]
    // Its own beer, from anywhere; another brewery's, never.
    [InlineData(StFut, false, null, true)]
    [InlineData(StFut, false, Quai, true)]
    [InlineData(Quai, false, null, false)]
    // A collab beer hosted by Saint-Fût with Aube: either moves it out of its own or a shared place…
    [InlineData(StFut, true, StFut, true)]
    [InlineData(StFut, true, null, true)]
    // …never out of the other's brewery.
    [InlineData(StFut, true, Aube, false)]
    public void A_brewer_of_Saint_Fut(long owner, bool collab, long? source, bool allowed) =>
        Assert.Equal(allowed, Brewer(StFut).MayMoveBeer(owner, collab ? StFutWithAube : NotCollab, source));

    [Theory]
    [InlineData(true, Aube, true)]
    [InlineData(true, null, true)]
    [InlineData(true, StFut, false)]
    [InlineData(false, null, false)]
    public void A_brewer_of_Aube_with_a_beer_hosted_by_Saint_Fut(bool partner, long? source, bool allowed) =>
        Assert.Equal(allowed, Brewer(Aube).MayMoveBeer(StFut, partner ? StFutWithAube : NotCollab, source));

    [Fact]
    public void A_brewery_outside_the_collab_moves_none_of_it_and_the_lead_moves_any() =>
        Assert.Equal((false, true), (Brewer(Quai).MayMoveBeer(StFut, StFutWithAube, null), new Caller("user:2", "lea", Roles.Lead, null).MayMoveBeer(StFut, StFutWithAube, Aube)));

    [Fact]
    public void A_machine_moves_nothing_through_people_s_endpoints() =>
        Assert.False(new Caller("key:1", "gateway", Roles.Gateway, null).MayMoveBeer(null, NotCollab, null));
}
