using Inventory.Api.Stock;

namespace Inventory.Api.FunctionalTests;

/// <summary>The cache's rules alone: what it keeps, and when it refuses to.</summary>
public sealed class StockReadCacheTests
{
    private static readonly StockQuery MyStock = new("saint-fut", null, null, 1);
    private static readonly IReadOnlyList<StockRow> Rows = [new("STFUT-BLONDE-473", "Blonde", "saint-fut", "can_473", "frigo-01", "Frigo", "coop_fridge", "Estrie", "", 24, 1, 0)];

    private static StockReadCache Live()
    {
        var cache = new StockReadCache();
        cache.Resume();
        return cache;
    }

    [Fact]
    public void A_stored_read_is_served_to_the_same_query_only()
    {
        var cache = Live();
        cache.Store(MyStock, cache.Generation, Rows);

        Assert.True(cache.TryGet(MyStock, out var rows));
        Assert.Same(Rows, rows);
        Assert.False(cache.TryGet(MyStock with { VisibleToBrewery = 2 }, out _), "another brewery's view of the same filter is another query");
        Assert.False(cache.TryGet(MyStock with { Location = "frigo-01" }, out _));
    }

    [Fact]
    public void Nothing_is_cached_while_not_listening()
    {
        var cache = new StockReadCache();
        cache.Store(MyStock, cache.Generation, Rows);
        Assert.False(cache.TryGet(MyStock, out _));
        Assert.False(cache.IsLive);
    }

    [Fact]
    public void An_invalidation_drops_what_was_stored()
    {
        var cache = Live();
        cache.Store(MyStock, cache.Generation, Rows);
        cache.Invalidate();
        Assert.False(cache.TryGet(MyStock, out _));
    }

    [Fact]
    public void A_read_that_raced_an_invalidation_is_not_kept()
    {
        var cache = Live();
        var startedAt = cache.Generation; // the query starts…
        cache.Invalidate();               // …a write commits and notifies while it runs…
        cache.Store(MyStock, startedAt, Rows); // …so its rows may predate that write.
        Assert.False(cache.TryGet(MyStock, out _));
    }

    [Fact]
    public void Losing_the_listener_stops_serving_and_resuming_starts_empty()
    {
        var cache = Live();
        cache.Store(MyStock, cache.Generation, Rows);

        cache.Suspend();
        Assert.False(cache.TryGet(MyStock, out _));

        cache.Resume();
        Assert.False(cache.TryGet(MyStock, out _), "a change may have gone unnotified while suspended");
    }

    [Fact]
    public void Past_its_size_the_cache_starts_over_instead_of_growing()
    {
        var cache = Live();
        for (var i = 0; i < StockReadCache.MaxEntries; i++) cache.Store(MyStock with { Location = $"loc-{i}" }, cache.Generation, Rows);
        Assert.True(cache.TryGet(MyStock with { Location = "loc-0" }, out _));

        cache.Store(MyStock, cache.Generation, Rows);

        Assert.False(cache.TryGet(MyStock with { Location = "loc-0" }, out _));
        Assert.True(cache.TryGet(MyStock, out _));
    }
}
