using System.Collections.Concurrent;
using System.Net;
using FridgeGateway.Sinks;

namespace FridgeGateway.Inventory;

/// <summary>
/// Posts device reports to the inventory API with <c>Idempotency-Key: {deviceId}:{seq}</c>: a replay
/// returns the first answer, so a retry or a spool replay counts once (rule "Everything counts once").
/// </summary>
public sealed class InventoryWriter(HttpClient http, InventoryOptions options) : ISinkWriter
{
    public string Name => "inventory";

    public async Task<IReadOnlyList<RejectedItem>> WriteAsync(IReadOnlyList<SinkItem> items, CancellationToken cancellationToken)
    {
        var rejected = new ConcurrentBag<(int Index, RejectedItem Item)>();
        var failed = new ConcurrentBag<(int Index, SinkItem Item, string Answer)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            async (index, ct) =>
            {
                var item = items[index];
                using var request = new HttpRequestMessage(HttpMethod.Post, InventoryReports.PathFor(item))
                {
                    Content = new ReadOnlyMemoryContent(item.Body) { Headers = { ContentType = new("application/json") { CharSet = "utf-8" } } },
                };
                request.Headers.Add("Idempotency-Key", item.Key);
                request.Headers.Add("X-Api-Key", options.ApiKey);
                using var response = await http.SendAsync(request, ct);
                if (response.IsSuccessStatusCode) return;
                var code = (int)response.StatusCode;
                var detail = await response.Content.ReadAsStringAsync(ct);
                if (IsRefusal(response.StatusCode))
                    rejected.Add((index, new RejectedItem(item, $"inventory API {code}: {Clip(detail)}")));
                else if (response.StatusCode == HttpStatusCode.InternalServerError)
                    failed.Add((index, item, $"inventory API answered {code}: {Clip(detail)}")); // this report broke the API: maybe poison
                else
                    throw new TransientSinkException($"inventory API answered {code}: {Clip(detail)}"); // an outage, a proxy's error or a wrong key
            });
        if (!failed.IsEmpty)
        {
            var first = failed.MinBy(f => f.Index);
            throw new TransientSinkException($"{failed.Count} of {items.Count} reports failed; first: {first.Answer}", null,
                failed.OrderBy(f => f.Index).Select(f => f.Item).ToList());
        }
        return rejected.OrderBy(r => r.Index).Select(r => r.Item).ToList();
    }

    /// <summary>The API says it is ready (its database reachable): a report that still gets a 500 is at fault itself.</summary>
    public async Task<bool> IsAnsweringAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            using var response = await http.GetAsync("readyz", timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    // 401/403 are a wrong key (a setting to fix): retried, never dropped. 429, 502-504 are outages; a 500
    // may be this one report (quarantined if it goes on while the API is ready, see DurableSink).
    private static bool IsRefusal(HttpStatusCode status) =>
        status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity;

    private static string Clip(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
