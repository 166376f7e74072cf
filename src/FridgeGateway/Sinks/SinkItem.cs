using System.Text;

namespace FridgeGateway.Sinks;

/// <summary>
/// One message's share of work for a sink: the line protocol of its points, or the body of its
/// inventory report. The topic and key travel with it so that a rejection can be dead-lettered.
/// </summary>
/// <param name="Topic">The MQTT topic the message came on.</param>
/// <param name="Key">The message's idempotency key, <c>{deviceId}:{seq}</c>.</param>
/// <param name="Body">Line protocol (InfluxDB) or JSON (inventory).</param>
public sealed record SinkItem(string Topic, string Key, string Body);

/// <summary>An item a sink refused for good (a 4xx): it goes to the dead-letter topic with the reason.</summary>
public sealed record RejectedItem(SinkItem Item, string Reason);

/// <summary>Batches of items as spool records: a count, then three length-prefixed UTF-8 strings per item.</summary>
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
                writer.Write(item.Body);
            }
        }
        return buffer.ToArray();
    }

    public static IReadOnlyList<SinkItem> Decode(byte[] record)
    {
        using var reader = new BinaryReader(new MemoryStream(record), Encoding.UTF8);
        var count = reader.ReadInt32();
        var items = new List<SinkItem>(count);
        for (var i = 0; i < count; i++) items.Add(new SinkItem(reader.ReadString(), reader.ReadString(), reader.ReadString()));
        return items;
    }
}
