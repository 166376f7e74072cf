using System.Collections.Concurrent;

namespace Inventory.Api.Stock;

/// <summary>
/// Current stock levels as recently read, per query: brewers ask "my stock everywhere" far more often
/// than stock moves, and every answer from PostgreSQL costs a round trip that, on a small machine, costs
/// more than the query (docs/benchmarks.md). Exact by construction, not by expiry:
/// <list type="bullet">
/// <item>Every change that can alter a stock read notifies <c>stock_changed</c> (a trigger, migration 0007);
/// <see cref="Infrastructure.ChangeListener"/> invalidates on each notification, so another replica's write, an
/// admin command or an operator's psql drops this cache within a notification's delay.</item>
/// <item>This process's own writes invalidate before their response leaves
/// (<see cref="InvalidateAfterWrites"/>): whoever gets a write's answer reads what it wrote.</item>
/// <item>An entry is kept only if no invalidation happened while its query ran (the generation it started
/// at is still current), so a read that raced a commit is never stored.</item>
/// <item>While the listener is not connected (starting, or PostgreSQL restarted) notifications would be
/// missed: the cache is bypassed, and emptied again when listening resumes.</item>
/// </list>
/// Past moments ("as of") are never cached: they are derived from the ledger itself.
/// </summary>
public sealed class StockReadCache
{
    /// <summary>Past this many distinct queries the cache starts over: the keys are a brewery's few views, not user input to hoard.</summary>
    public const int MaxEntries = 1024;

    private readonly ConcurrentDictionary<StockQuery, Entry> entries = new();
    private long generation;
    private volatile bool live;

    /// <summary>Whether reads may be served from the cache: the listener is connected.</summary>
    public bool IsLive => live;

    /// <summary>The generation to pass to <see cref="Store"/>, read before the query starts.</summary>
    public long Generation => Interlocked.Read(ref generation);

    public bool TryGet(StockQuery query, out IReadOnlyList<StockRow> rows)
    {
        if (live && entries.TryGetValue(query, out var entry) && entry.Generation == Generation)
        {
            rows = entry.Rows;
            return true;
        }
        rows = [];
        return false;
    }

    /// <summary>Keeps <paramref name="rows"/> unless the cache was invalidated since <paramref name="startedAt"/> (then they may be stale).</summary>
    public void Store(StockQuery query, long startedAt, IReadOnlyList<StockRow> rows)
    {
        if (!live || startedAt != Generation) return;
        if (entries.Count >= MaxEntries) entries.Clear();
        // An invalidation between the check above and this line leaves an entry of an old generation, which TryGet refuses.
        entries[query] = new Entry(startedAt, rows);
    }

    public void Invalidate()
    {
        Interlocked.Increment(ref generation);
        entries.Clear();
    }

    /// <summary>The listener is connected: anything may have changed while it was not, so start empty.</summary>
    public void Resume()
    {
        Invalidate();
        live = true;
    }

    /// <summary>The listener lost its connection: notifications may be missed from now on.</summary>
    public void Suspend()
    {
        live = false;
        Invalidate();
    }

    /// <summary>
    /// Middleware: a request that may write (any method but GET, HEAD, OPTIONS) invalidates the cache as its
    /// response starts, after its transaction committed and before its client can ask anything else. The
    /// notification would do it too, a moment later; this closes that moment for this replica's own writes.
    /// </summary>
    public static Task InvalidateAfterWrites(HttpContext http, RequestDelegate next)
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method))
        {
            var cache = http.RequestServices.GetRequiredService<StockReadCache>();
            http.Response.OnStarting(() =>
            {
                cache.Invalidate();
                return Task.CompletedTask;
            });
        }
        return next(http);
    }

    private sealed record Entry(long Generation, IReadOnlyList<StockRow> Rows);
}

/// <summary>A stock read's parameters, the caller's visibility included (a brewer sees its beers anywhere and every beer in shared places).</summary>
public readonly record struct StockQuery(string? Brewery, string? Location, string? Sku, long? VisibleToBrewery);
