using System.Collections.Concurrent;

namespace Inventory.Api.Auth;

/// <summary>
/// What this replica recently learnt from PostgreSQL about a session or an API key, so that a request
/// does not cost a round trip to say who is calling. Exact the way the stock cache is: every change to
/// users, sessions, keys or breweries notifies <c>auth_changed</c> (migration 0008) and the listener drops
/// everything on each notification; entries also expire after <see cref="MaxAge"/>, a bound should a
/// notification ever be lost. While the listener is not connected (or not run: <c>Stock__CacheReads=false</c>)
/// an entry serves for <see cref="UnlistenedMaxAge"/> only: a revocation still takes effect within a second,
/// and a busy key costs PostgreSQL one look-up a second instead of one per request.
/// A key that matched nothing is remembered for <see cref="RefusalFor"/> whether the listener is up or not:
/// a random key cannot become valid, and a flood of the same bad key must not reach PostgreSQL.
/// </summary>
public sealed class AuthCache(TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan UnlistenedMaxAge = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan RefusalFor = TimeSpan.FromSeconds(30);
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _refused = new(StringComparer.Ordinal);
    private long _generation;
    private volatile bool _live;

    public bool IsLive => _live;
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet<T>(string key, out T? value) where T : class
    {
        value = null;
        if (!_entries.TryGetValue(key, out var entry) || entry.Generation != Generation) return false;
        var age = time.GetUtcNow() - entry.StoredAt;
        if (age > (_live && entry.WhileLive ? MaxAge : UnlistenedMaxAge)) return false;
        value = (T?)entry.Value;
        return true;
    }

    /// <summary>Keeps what was read (null: refused) unless an invalidation happened since <paramref name="startedAt"/>.</summary>
    public void Store(string key, long startedAt, object? value)
    {
        if (startedAt != Generation) return;
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[key] = new Entry(startedAt, time.GetUtcNow(), _live, value);
    }

    public bool IsRefused(string keyHash) => _refused.TryGetValue(keyHash, out var until) && until > time.GetUtcNow();

    public void Refuse(string keyHash)
    {
        if (_refused.Count >= MaxEntries) _refused.Clear();
        _refused[keyHash] = time.GetUtcNow() + RefusalFor;
    }

    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    public void Resume()
    {
        Invalidate();
        _live = true;
    }

    public void Suspend()
    {
        _live = false;
        Invalidate();
    }

    /// <param name="WhileLive">Stored while the listener was connected: only then is a long life safe.</param>
    private sealed record Entry(long Generation, DateTimeOffset StoredAt, bool WhileLive, object? Value);
}
