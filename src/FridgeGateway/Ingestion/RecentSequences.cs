using System.Runtime.InteropServices;

namespace FridgeGateway.Ingestion;

/// <summary>
/// The sequence numbers of each device's messages already made durable: the last <c>window</c> of them per
/// device, as a ring of bits. Redelivery is normal (rule "Everything counts once"): a message seen again is acknowledged without
/// being written twice, which matters most when its <c>ts</c> was replaced by the receive time (a rewrite
/// would not overwrite) and for the alert machines, which must move once per reading.
/// <para>
/// It replaced a set of 500,000 <c>"device:seq"</c> strings: with 10,000 devices that remembered 50 messages
/// of each for ~100 MiB; this remembers 1,024 of each in 270 bytes per device (2.6 MiB). A sequence older than
/// the window (or a device whose counter restarted after a factory reset) is taken as new — written again,
/// which InfluxDB absorbs (same series and time) — never dropped.
/// </para>
/// <para>
/// A redelivery repeats the message's <c>seq</c> and its <c>ts</c>. A device whose counter restarted (a reflashed kiosk)
/// repeats sequence numbers with later times: a <c>seq</c> not above the newest but a <c>ts</c> after the newest's is a
/// restart, and the device's window starts again from it; its messages from before the restart that arrive later (held
/// by an outage) are taken as new, not remembered. Taking a message as new costs a second write that the sinks absorb
/// (the inventory API counts a message once by its device, <c>seq</c> and <c>ts</c>); dropping a new one as seen would lose it.
/// </para>
/// </summary>
public sealed class RecentSequences
{
    private sealed class Seen(int words)
    {
        public long Newest = -1;
        /// <summary>The device's time of <see cref="Newest"/> in Unix ms; <see cref="long.MaxValue"/> when unknown (the receive time stood in).</summary>
        public long NewestAt = long.MaxValue;
        /// <summary>When the device last restarted its counter, in Unix ms: what it sent before is another count.</summary>
        public long RestartedAt = long.MinValue;
        public readonly ulong[] Bits = new ulong[words];
    }

    private readonly int _window;
    private readonly int _maxDevices;
    private readonly Dictionary<string, Seen> _devices = new(StringComparer.Ordinal);
    private readonly Queue<string> _arrival = new();

    /// <param name="window">Sequence numbers remembered per device, a multiple of 64.</param>
    /// <param name="maxDevices">Devices remembered; past that the first remembered is forgotten.</param>
    public RecentSequences(int window, int maxDevices)
    {
        if (window < 64 || window % 64 != 0) throw new ArgumentOutOfRangeException(nameof(window), window, "a positive multiple of 64");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDevices, 1);
        (_window, _maxDevices) = (window, maxDevices);
    }

    public int Devices => _devices.Count;

    public bool Contains(string deviceId, long seq) =>
        _devices.TryGetValue(deviceId, out var seen) && seq <= seen.Newest && seq > seen.Newest - _window && IsSet(seen, seq);

    /// <summary>Remembers <paramref name="seq"/>; false when it was remembered already.</summary>
    /// <param name="at">The device's own time of the message; null when the receive time replaced it (a redelivery's would differ).</param>
    public bool Add(string deviceId, long seq, DateTimeOffset? at)
    {
        ref var seen = ref CollectionsMarshal.GetValueRefOrAddDefault(_devices, deviceId, out var known);
        if (!known)
        {
            seen = new Seen(_window / 64);
            _arrival.Enqueue(deviceId);
        }
        var device = seen!;
        if (!known && _devices.Count > _maxDevices) _devices.Remove(_arrival.Dequeue());
        var ms = at?.ToUnixTimeMilliseconds();
        if (ms < device.RestartedAt) return true; // sent before the counter restarted: taken as new, not remembered
        if (seq <= device.Newest && ms > device.NewestAt)
        {
            // The counter went back while the device's time went on: it restarted. Its window starts again here.
            Array.Clear(device.Bits);
            (device.Newest, device.NewestAt, device.RestartedAt) = (seq, ms.Value, ms.Value);
        }
        else if (seq > device.Newest)
        {
            // The slots of the sequences that fall out of the window become those of the new ones.
            if (device.Newest < 0 || seq - device.Newest >= _window) Array.Clear(device.Bits);
            else for (var s = device.Newest + 1; s < seq; s++) Set(device, s, false);
            (device.Newest, device.NewestAt) = (seq, ms ?? long.MaxValue);
        }
        else if (seq <= device.Newest - _window) return true; // older than the window: taken as new, not remembered
        else if (IsSet(device, seq)) return false;
        Set(device, seq, true);
        return true;
    }

    private int Slot(long seq) => (int)(seq % _window);

    private bool IsSet(Seen seen, long seq) => (seen.Bits[Slot(seq) >> 6] & (1UL << (Slot(seq) & 63))) != 0;

    private void Set(Seen seen, long seq, bool on)
    {
        var slot = Slot(seq);
        if (on) seen.Bits[slot >> 6] |= 1UL << (slot & 63);
        else seen.Bits[slot >> 6] &= ~(1UL << (slot & 63));
    }
}
