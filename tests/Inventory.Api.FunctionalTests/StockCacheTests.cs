using Inventory.Api.Stock;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// Stock reads are cached and stay exact: whatever changes stock — this API, another replica, an
/// operator's psql — is seen by the next read once PostgreSQL has notified it, and nothing stale survives
/// a lost listener connection. Writes "from elsewhere" are made straight in this fixture's database.
/// </summary>
public sealed class StockCacheTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private const string Sku = "STFUT-EPAULE-473";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private StockReadCache Cache => api.Services.GetRequiredService<StockReadCache>();

    private async Task<string> FridgeWithStockAsync(int units)
    {
        await Eventually.Holds(() => Task.FromResult(Cache.IsLive), Patience, "the API to listen to stock changes");
        var code = $"frigo-{Guid.NewGuid():N}"[..20];
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code, name = code, kind = "coop_fridge", region = "Estrie" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = Sku, units, to = code }));
        return code;
    }

    private async Task<int> UnitsAsync(string location) =>
        (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?location={location}"))!.Sum(r => r.GetProperty("units").GetInt32());

    /// <summary>Reads until the answer is in the cache (a read that raced a notification is not kept), and returns it.</summary>
    private async Task<int> CachedUnitsAsync(string location)
    {
        var units = await Eventually.Returns(async () => (Units: await UnitsAsync(location), Cached: Cache.TryGet(new StockQuery(null, location, null, null), out _)),
            read => read.Cached, Patience, $"the stock of {location} to be cached");
        return units.Units;
    }

    private Task AddUnitsElsewhereAsync(string location, int units, bool notify) => StockElsewhere.AddUnitsAsync(api.ConnectionString, Sku, location, units, notify);

    private Task<int> ListenerPidAsync() => StockElsewhere.ListenerPidAsync(api.ConnectionString);

    [Fact]
    public async Task A_write_elsewhere_is_seen_once_PostgreSQL_notifies_it()
    {
        var fridge = await FridgeWithStockAsync(10);
        Assert.Equal(10, await CachedUnitsAsync(fridge));

        await AddUnitsElsewhereAsync(fridge, 5, notify: true);

        await Eventually.Returns(() => UnitsAsync(fridge), units => units == 15, Patience, "the notified change in the next reads");
    }

    [Fact]
    public async Task Reads_come_from_the_cache_until_a_change_is_notified()
    {
        var fridge = await FridgeWithStockAsync(10);
        Assert.Equal(10, await CachedUnitsAsync(fridge));

        await AddUnitsElsewhereAsync(fridge, 5, notify: false);
        Assert.Equal(10, await UnitsAsync(fridge)); // served from the cache: nothing said the level changed

        await using (var connection = new NpgsqlConnection(api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var notify = new NpgsqlCommand($"NOTIFY {Infrastructure.ChangeListener.StockChannel}", connection);
            await notify.ExecuteNonQueryAsync();
        }
        await Eventually.Returns(() => UnitsAsync(fridge), units => units == 15, Patience, "the level once a change is notified");
    }

    [Fact]
    public async Task This_APIs_own_write_is_read_back_at_once_even_before_its_notification()
    {
        var fridge = await FridgeWithStockAsync(10);
        Assert.Equal(10, await CachedUnitsAsync(fridge));
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using (var off = new NpgsqlCommand("ALTER TABLE stock_levels DISABLE TRIGGER stock_levels_changed", connection)) await off.ExecuteNonQueryAsync();
        try
        {
            await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = Sku, units = 4, to = fridge }));
            Assert.Equal(14, await UnitsAsync(fridge));
        }
        finally
        {
            await using var on = new NpgsqlCommand("ALTER TABLE stock_levels ENABLE TRIGGER stock_levels_changed", connection);
            await on.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task A_lost_listener_connection_leaves_nothing_stale_behind()
    {
        var fridge = await FridgeWithStockAsync(10);
        Assert.Equal(10, await CachedUnitsAsync(fridge));
        var listener = await ListenerPidAsync();
        Assert.NotEqual(0, listener);

        await using (var connection = new NpgsqlConnection(api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend($1)", connection);
            kill.Parameters.Add(new() { Value = listener });
            await kill.ExecuteNonQueryAsync();
        }
        await AddUnitsElsewhereAsync(fridge, 5, notify: false); // while nobody listens: no notification to miss but this one

        await Eventually.Returns(ListenerPidAsync, pid => pid != 0 && pid != listener, Patience, "the listener to reconnect");
        await Eventually.Holds(() => Task.FromResult(Cache.IsLive), Patience, "the cache to resume");
        Assert.Equal(15, await UnitsAsync(fridge));
    }
}

/// <summary>Changes made straight in a fixture's database, as another replica or an operator would, and who listens there.</summary>
internal static class StockElsewhere
{
    /// <summary>Adds units to a level the way a write elsewhere would; with <paramref name="notify"/> false the trigger is off for this one transaction, as if its notification were lost.</summary>
    public static async Task AddUnitsAsync(string connectionString, string sku, string location, int units, bool notify)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        if (!notify) await Execute("ALTER TABLE stock_levels DISABLE TRIGGER stock_levels_changed");
        await Execute("UPDATE stock_levels SET units = units + $1 WHERE sku = $2 AND location_id = (SELECT id FROM locations WHERE code = $3)", units, sku, location);
        if (!notify) await Execute("ALTER TABLE stock_levels ENABLE TRIGGER stock_levels_changed");
        await tx.CommitAsync();

        async Task Execute(string sql, params object[] parameters)
        {
            await using var command = new NpgsqlCommand(sql, connection, tx);
            foreach (var value in parameters) command.Parameters.Add(new() { Value = value });
            await command.ExecuteNonQueryAsync();
        }
    }

    public static async Task<int> ListenerPidAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1", connection);
        command.Parameters.Add(new() { Value = Infrastructure.ChangeListener.ApplicationName });
        return (int)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>With <c>Stock__CacheReads=false</c> there is no listener and every read goes to PostgreSQL.</summary>
public sealed class UncachedStockTests(UncachedInventoryApi api) : IClassFixture<UncachedInventoryApi>
{
    [Fact]
    public async Task With_the_cache_off_every_read_sees_the_database_as_it_is()
    {
        var fridge = $"frigo-{Guid.NewGuid():N}"[..20];
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = fridge, name = fridge, kind = "coop_fridge", region = "Estrie" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = "STFUT-EPAULE-473", units = 10, to = fridge }));
        Assert.Equal(10, await UnitsAsync());
        Assert.Equal(10, await UnitsAsync());

        await StockElsewhere.AddUnitsAsync(api.ConnectionString, "STFUT-EPAULE-473", fridge, 5, notify: false);

        Assert.Equal(15, await UnitsAsync());
        Assert.Equal(0, await StockElsewhere.ListenerPidAsync(api.ConnectionString));
        Assert.False(api.Services.GetRequiredService<StockReadCache>().IsLive);

        async Task<int> UnitsAsync() =>
            (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?location={fridge}"))!.Sum(r => r.GetProperty("units").GetInt32());
    }
}
