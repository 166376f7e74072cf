using System.Text;

namespace FridgeGateway.Sinks;

/// <summary>
/// One message's share of work for a sink: the line protocol of its points, or the body of its
/// inventory report, as UTF-8. The topic and key travel with it so that a rejection can be dead-lettered.
/// </summary>
/// <param name="Topic">The MQTT topic the message came on.</param>
/// <param name="Key">The message's idempotency key, <c>{deviceId}:{seq}</c>.</param>
/// <param name="Body">Line protocol (InfluxDB) or JSON (inventory), UTF-8; often a slice of a batch's shared buffer.</param>
public sealed record SinkItem(string Topic, string Key, ReadOnlyMemory<byte> Body)
{
    public SinkItem(string topic, string key, string text) : this(topic, key, Encoding.UTF8.GetBytes(text)) { }

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
