using System.Collections.Concurrent;

namespace Inventory.Api.Auth;

/// <summary>
/// Slows password guessing on both sign-in paths (the API's and the dashboard's). Failures are counted per
/// username and client address together: past <see cref="FreeFailures"/>, that pair waits 30 s, then twice
/// as long after each further failure, up to <see cref="MaxLockout"/>, and it is forgiven
/// <see cref="ForgetAfter"/> after its last failure or at a success. An attacker guessing from one address
/// is slowed to a crawl, while the real person, from another address, is never locked out. Each address
/// may also try at most <see cref="AttemptsPerMinute"/> sign-ins a minute, whatever the usernames.
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    public const int FreeFailures = 5;
    public const int AttemptsPerMinute = 20;
    public static readonly TimeSpan FirstLockout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);
    private const int MaxTracked = 100_000;

    private readonly ConcurrentDictionary<(string User, string Address), Failures> _failures = new();
    private readonly ConcurrentDictionary<string, Window> _attempts = new(StringComparer.Ordinal);

    private sealed record Failures(int Count, DateTimeOffset Last);
    private sealed record Window(DateTimeOffset Start, int Count);

    /// <summary>Counts an attempt and says how long to wait before it may be made (null: go ahead).</summary>
    public TimeSpan? Attempt(string username, string address)
    {
        var now = time.GetUtcNow();
        if (_attempts.Count > MaxTracked) _attempts.Clear();
        var window = _attempts.AddOrUpdate(address, _ => new Window(now, 1),
            (_, w) => now - w.Start >= TimeSpan.FromMinutes(1) ? new Window(now, 1) : w with { Count = w.Count + 1 });
        if (window.Count > AttemptsPerMinute) return window.Start + TimeSpan.FromMinutes(1) - now;

        if (!_failures.TryGetValue((username, address), out var failures)) return null;
        if (now - failures.Last >= ForgetAfter) { _failures.TryRemove((username, address), out _); return null; }
        var wait = failures.Last + Lockout(failures.Count) - now;
        return wait > TimeSpan.Zero ? wait : null;
    }

    public void Failed(string username, string address)
    {
        if (_failures.Count > MaxTracked) _failures.Clear();
        var now = time.GetUtcNow();
        _failures.AddOrUpdate((username, address), _ => new Failures(1, now),
            (_, f) => now - f.Last >= ForgetAfter ? new Failures(1, now) : new Failures(f.Count + 1, now));
    }

    public void Succeeded(string username, string address) => _failures.TryRemove((username, address), out _);

    /// <summary>How long a pair with this many failures waits after the last one.</summary>
    public static TimeSpan Lockout(int failures) => failures < FreeFailures
        ? TimeSpan.Zero
        : TimeSpan.FromTicks(Math.Min(MaxLockout.Ticks, FirstLockout.Ticks << Math.Min(failures - FreeFailures, 10)));
}
