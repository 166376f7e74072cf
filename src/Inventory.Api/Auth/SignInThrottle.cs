using System.Collections.Concurrent;

namespace Inventory.Api.Auth;

/// <summary>
/// Slows password guessing on both sign-in paths (the API's and the dashboard's) and the password change, with
/// three counts of failures (a success is never counted against anyone):
/// <list type="bullet">
/// <item>per username and address: past <see cref="FreeFailures"/>, that pair waits 30 s, then twice as long after
/// each further failure, up to <see cref="MaxLockout"/>;</item>
/// <item>per username, from every address: past <see cref="FreeFailuresPerUsername"/> the username waits the same
/// way, so that guessing from many addresses (a botnet, an IPv6 block) gets a few tries an hour, not five per
/// address;</item>
/// <item>per address, whatever the usernames: past <see cref="FailuresPerAddressPerMinute"/> failures in a minute,
/// the address waits for the minute's end (spraying one password over every username).</item>
/// </list>
/// Counts are forgiven <see cref="ForgetAfter"/> after their last failure; a success forgives its pair. A person's
/// sign-in from an address where it succeeded in the last <see cref="KnownFor"/> passes the username's and the
/// address's counts, so an attacker elsewhere cannot lock the real person out. Successes are not attempts: a whole
/// festival behind one NAT address signs in, however many people, and only failures there make it wait.
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    public const int FreeFailures = 5;
    public const int FreeFailuresPerUsername = 20;
    public const int FailuresPerAddressPerMinute = 30;
    public static readonly TimeSpan FirstLockout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);
    public static readonly TimeSpan KnownFor = TimeSpan.FromDays(30);
    private const int MaxTracked = 100_000;

    private readonly ConcurrentDictionary<(string User, string Address), Failures> _pairs = new();
    private readonly ConcurrentDictionary<string, Failures> _usernames = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Window> _addresses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string User, string Address), DateTimeOffset> _known = new();

    private sealed record Failures(int Count, DateTimeOffset Last);
    private sealed record Window(DateTimeOffset Start, int Count);

    /// <summary>Says how long to wait before this attempt may be made (null: go ahead).</summary>
    public TimeSpan? Attempt(string username, string address)
    {
        var now = time.GetUtcNow();
        if (Wait(_pairs, (username, address), FreeFailures, now) is { } pairWait) return pairWait;
        if (_known.TryGetValue((username, address), out var succeeded) && now - succeeded < KnownFor) return null;
        if (_addresses.TryGetValue(address, out var window) && now - window.Start < TimeSpan.FromMinutes(1) && window.Count >= FailuresPerAddressPerMinute)
            return window.Start + TimeSpan.FromMinutes(1) - now;
        return Wait(_usernames, username, FreeFailuresPerUsername, now);
    }

    public void Failed(string username, string address)
    {
        var now = time.GetUtcNow();
        Count(_pairs, (username, address), now);
        Count(_usernames, username, now);
        if (_addresses.Count > MaxTracked) _addresses.Clear();
        _addresses.AddOrUpdate(address, _ => new Window(now, 1),
            (_, w) => now - w.Start >= TimeSpan.FromMinutes(1) ? new Window(now, 1) : w with { Count = w.Count + 1 });
    }

    public void Succeeded(string username, string address)
    {
        _pairs.TryRemove((username, address), out _);
        // Forgetting known addresses only takes their pass away; it never lets anyone through.
        if (_known.Count > MaxTracked) _known.Clear();
        _known[(username, address)] = time.GetUtcNow();
    }

    /// <summary>How long a count with this many failures waits after the last one, past its free ones.</summary>
    public static TimeSpan Lockout(int failures, int free = FreeFailures) => failures < free
        ? TimeSpan.Zero
        : TimeSpan.FromTicks(Math.Min(MaxLockout.Ticks, FirstLockout.Ticks << Math.Min(failures - free, 10)));

    private static TimeSpan? Wait<TKey>(ConcurrentDictionary<TKey, Failures> counts, TKey key, int free, DateTimeOffset now) where TKey : notnull
    {
        if (!counts.TryGetValue(key, out var failures)) return null;
        if (now - failures.Last >= ForgetAfter) { counts.TryRemove(key, out _); return null; }
        var wait = failures.Last + Lockout(failures.Count, free) - now;
        return wait > TimeSpan.Zero ? wait : null;
    }

    private static void Count<TKey>(ConcurrentDictionary<TKey, Failures> counts, TKey key, DateTimeOffset now) where TKey : notnull
    {
        if (counts.Count > MaxTracked) counts.Clear();
        counts.AddOrUpdate(key, _ => new Failures(1, now), (_, f) => now - f.Last >= ForgetAfter ? new Failures(1, now) : new Failures(f.Count + 1, now));
    }
}
