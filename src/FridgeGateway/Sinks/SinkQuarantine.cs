using System.Text.Json;

namespace FridgeGateway.Sinks;

/// <summary>
/// Where a sink sets aside the items its destination keeps failing while it answers everything else
/// (rule "One device can only hurt itself": never left at the head of a queue). One JSON line per item, fsynced, in
/// <c>{spool}/{sink}/quarantine.jsonl</c>, for an operator to look at and replay; bounded in bytes (past
/// the cap an item is only dead-lettered and logged with its key).
/// </summary>
public sealed class SinkQuarantine(string path, long maxBytes)
{
    private readonly Lock _gate = new();

    public string Path => path;

    /// <summary>Appends the item; false when the quarantine file is at its cap.</summary>
    public bool TryAdd(SinkItem item, string reason, DateTimeOffset at)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(new { quarantinedAt = at, topic = item.Topic, key = item.Key, reason, body = item.Text });
        lock (_gate)
        {
            var size = File.Exists(path) ? new FileInfo(path).Length : 0;
            if (size + line.Length + 1 > maxBytes) return false;
            using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            file.Write(line);
            file.WriteByte((byte)'\n');
            file.Flush(flushToDisk: true);
            return true;
        }
    }
}
