using System.Text;

namespace FridgeGateway.Sinks;

/// <summary>
/// One message's share of work for a sink: the line protocol of its points, or the body of its
/// inventory report, as UTF-8. The topic and key travel with it so that a rejection can be dead-lettered.
/// </summary>
public sealed class SinkItem
{
    // The key itself, or a device message's device id with its seq: that key is made only when asked (a spool record,
    // a log line, a quarantined item), since most readings are written without it (a string per reading).
    private readonly string _keyOrDevice;
    private readonly long _seq;

    /// <param name="topic">The MQTT topic the message came on.</param>
    /// <param name="key">The item's idempotency key.</param>
    /// <param name="body">Line protocol (InfluxDB) or JSON (inventory), UTF-8; often a slice of a batch's shared buffer.</param>
    public SinkItem(string topic, string key, ReadOnlyMemory<byte> body)
    {
        Topic = topic;
        _keyOrDevice = key;
        _seq = -1;
        Body = body;
    }

    /// <summary>A device message's item, whose key is <c>{deviceId}:{seq}</c> (contract v1's idempotency key; seq ≥ 0).</summary>
    public SinkItem(string topic, string deviceId, long seq, ReadOnlyMemory<byte> body) : this(topic, deviceId, body)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seq);
        _seq = seq;
    }

    public SinkItem(string topic, string key, string text) : this(topic, key, Encoding.UTF8.GetBytes(text)) { }

    public string Topic { get; }

    /// <summary>The message's idempotency key, <c>{deviceId}:{seq}</c> for a device's message.</summary>
    public string Key => _seq < 0 ? _keyOrDevice : $"{_keyOrDevice}:{_seq}";

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The body as text (logs, the quarantine file, InfluxDB.Client's string API).</summary>
    public string Text => Encoding.UTF8.GetString(Body.Span);
}

/// <summary>An item a sink refused for good (a 4xx): it goes to the dead-letter topic with the reason.</summary>
public sealed record RejectedItem(SinkItem Item, string Reason);

/// <summary>
/// Batches of items as spool records: a count (int32, little-endian), then per item its topic, key and body, each
/// a 7-bit-encoded byte length and that many UTF-8 bytes (<see cref="BinaryWriter.Write(string)"/>'s format, which
/// records written when bodies were strings share). Decoded items' bodies are slices of the record: no copy.
/// </summary>
public static class SinkBatchCodec
{
    public static byte[] Encode(IReadOnlyList<SinkItem> items)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(items.Count);
            foreach (var item in items)
            {
                writer.Write(item.Topic);
                writer.Write(item.Key);
                writer.Write7BitEncodedInt(item.Body.Length);
                writer.Write(item.Body.Span);
            }
        }
        return buffer.ToArray();
    }

    public static IReadOnlyList<SinkItem> Decode(byte[] record)
    {
        var stream = new MemoryStream(record, writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var count = reader.ReadInt32();
        var items = new List<SinkItem>(count);
        for (var i = 0; i < count; i++)
        {
            var topic = reader.ReadString();
            var key = reader.ReadString();
            var length = reader.Read7BitEncodedInt();
            items.Add(new SinkItem(topic, key, new ReadOnlyMemory<byte>(record, (int)stream.Position, length)));
            stream.Seek(length, SeekOrigin.Current);
        }
        return items;
    }
}
