using System.Globalization;

namespace SeasonDriver;

/// <summary>Waits until the gateways have forwarded what was played: read from their Prometheus metrics.</summary>
public static class Gateways
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>
    /// Until every device message played is accounted for by the gateways (durable in every sink it goes to, or
    /// dead-lettered), nothing waits in their spools and nothing has moved for three seconds (the alerts they forward
    /// included); a clear failure after five minutes without progress.
    /// </summary>
    public static async Task DrainedAsync(IReadOnlyList<string> gateways, long played, Action<string> progress, CancellationToken ct)
    {
        var last = (-1.0, -1.0);
        var stalledSince = DateTime.UtcNow;
        while (true)
        {
            double ingested = 0, forwarded = 0, deadLettered = 0, spooled = 0;
            foreach (var gateway in gateways)
            {
                var metrics = await Http.GetStringAsync($"{gateway.TrimEnd('/')}/metrics", ct);
                // A message is ingested once durable in every sink (the inventory API, InfluxDB): a reading goes to InfluxDB only.
                ingested += Sum(metrics, "gateway_ingest_delay_milliseconds_count", "");
                forwarded += Sum(metrics, "gateway_items_written", "sink=\"inventory\"");
                deadLettered += Sum(metrics, "gateway_messages_dead_lettered", "");
                spooled += Sum(metrics, "gateway_spool_bytes", "");
            }
            var now = (ingested + deadLettered, forwarded);
            if (now.Item1 >= played && spooled == 0 && now == last && DateTime.UtcNow - stalledSince > TimeSpan.FromSeconds(3)) return;
            if (now != last)
            {
                last = now;
                stalledSince = DateTime.UtcNow;
                progress($"gateways: {ingested} ingested ({forwarded} items to the API), {deadLettered} dead-lettered, of {played} played");
            }
            else if (DateTime.UtcNow - stalledSince > TimeSpan.FromMinutes(5))
                throw new TimeoutException($"the gateways ingested {ingested} of {played} device messages and made no progress for five minutes (their logs say why)");
            await Task.Delay(500, ct);
        }
    }

    /// <summary>The sum of a metric's samples (any suffix such as <c>_total</c>) whose labels contain <paramref name="label"/>.</summary>
    private static double Sum(string metrics, string name, string label) =>
        metrics.Split('\n')
            .Where(line => line.StartsWith(name, StringComparison.Ordinal) && line.Contains(label, StringComparison.Ordinal) && !line.Contains("_bucket", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
