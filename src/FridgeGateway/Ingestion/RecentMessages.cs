namespace FridgeGateway.Ingestion;

/// <summary>
/// The (device, seq) keys of messages already made durable, newest kept, oldest forgotten first.
/// Redelivery is normal (rule 2): a message seen again is acknowledged without writing it twice, which
/// matters most when its <c>ts</c> was replaced by the receive time (a rewrite would not overwrite).
/// </summary>
public sealed class RecentMessages(int capacity)
{
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public bool Contains(string key) => _keys.Contains(key);

    public void Add(string key)
    {
        if (!_keys.Add(key)) return;
        _order.Enqueue(key);
        if (_order.Count > capacity) _keys.Remove(_order.Dequeue());
    }
}
