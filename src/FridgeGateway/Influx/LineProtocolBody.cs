using System.Buffers;
using System.IO.Compression;
using System.Net;
using System.Text;
using FridgeGateway.Sinks;

namespace FridgeGateway.Influx;

/// <summary>
/// A body of line protocol: some items' lines, one after the other. It is written straight from the items'
/// UTF-8 (through a pooled buffer) instead of joined into one string first: a batch of 5,000 readings would
/// otherwise be a 2 MB string and a 1 MB copy of it on the large-object heap, every batch.
/// </summary>
public readonly struct LineProtocolBody(IReadOnlyList<SinkItem> items, int start, int count)
{
    public int Count => count;

    /// <summary>The lines, UTF-8, separated by newlines.</summary>
    public async Task WriteUtf8Async(Stream destination, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var used = 0;
            for (var i = start; i < start + count; i++)
            {
                var line = items[i].Body;
                var needed = line.Length + 1;
                if (used + needed > buffer.Length)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, used), cancellationToken);
                    used = 0;
                    if (needed > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(needed);
                    }
                }
                if (i > start) buffer[used++] = (byte)'\n';
                line.Span.CopyTo(buffer.AsSpan(used));
                used += line.Length;
            }
            await destination.WriteAsync(buffer.AsMemory(0, used), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The lines as one string (InfluxDB.Client takes a string; tests read it): the same bytes, decoded once.</summary>
    public override string ToString()
    {
        using var bytes = new MemoryStream();
        WriteUtf8Async(bytes, CancellationToken.None).GetAwaiter().GetResult(); // a MemoryStream completes every write at once
        return Encoding.UTF8.GetString(bytes.GetBuffer(), 0, (int)bytes.Length);
    }
}

/// <summary>A line-protocol body sent gzip-compressed as it is written: no copy of the body is ever made whole.</summary>
public sealed class GzipLineProtocolContent : HttpContent
{
    private readonly LineProtocolBody _body;

    public GzipLineProtocolContent(LineProtocolBody body)
    {
        _body = body;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        Headers.ContentEncoding.Add("gzip");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
        await _body.WriteUtf8Async(gzip, cancellationToken);
    }

    // Unknown until written: sent chunked.
    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
