using System.Net;
using FridgeGateway.Sinks;

namespace FridgeGateway.Influx;

/// <summary>
/// Writes items as line-protocol bodies of at most <paramref name="maxItems"/> items each
/// (<c>Influx__MaxBatchItems</c>). A 4xx for a body (a field type conflict, a bad value) is narrowed down by
/// halving until the refused items are found: those are dead-lettered and the rest written (rewriting a
/// point already written is an overwrite, so this is safe).
/// </summary>
public abstract class LineProtocolSinkWriter(int maxItems) : ISinkWriter
{
    public string Name => "influx";

    /// <summary>Sends a body; returns the HTTP status and InfluxDB's error text.</summary>
    protected abstract Task<(HttpStatusCode Status, string Error)> SendAsync(LineProtocolBody body, CancellationToken cancellationToken);

    public async Task<IReadOnlyList<RejectedItem>> WriteAsync(IReadOnlyList<SinkItem> items, CancellationToken cancellationToken)
    {
        // A message with no lines (the count of an empty shelf: no SKU on it) has nothing to write. Alone in a body it
        // would be an empty body, which InfluxDB refuses ("EOF"): that valid message was dead-lettered.
        if (items.Any(item => item.Body.IsEmpty)) items = [.. items.Where(item => !item.Body.IsEmpty)];
        var rejected = new List<RejectedItem>();
        for (var start = 0; start < items.Count; start += maxItems)
            await WriteRangeAsync(items, start, Math.Min(maxItems, items.Count - start), rejected, cancellationToken);
        return rejected;
    }

    private async Task WriteRangeAsync(IReadOnlyList<SinkItem> items, int start, int count, List<RejectedItem> rejected, CancellationToken ct)
    {
        var (status, error) = await SendAsync(new LineProtocolBody(items, start, count), ct);
        var code = (int)status;
        if (code is >= 200 and < 300) return;
        if (IsPointProblem(status))
        {
            if (count == 1) { rejected.Add(new RejectedItem(items[start], $"InfluxDB {code}: {error}")); return; }
            var half = count / 2;
            await WriteRangeAsync(items, start, half, rejected, ct);
            await WriteRangeAsync(items, start + half, count - half, rejected, ct);
            return;
        }
        // 5xx, 429, and also 401/403/404 (credentials or database missing: a setting to fix, not data to drop).
        throw new TransientSinkException($"InfluxDB answered {code}: {error}");
    }

    private static bool IsPointProblem(HttpStatusCode status) =>
        status is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity or HttpStatusCode.RequestEntityTooLarge;
}
