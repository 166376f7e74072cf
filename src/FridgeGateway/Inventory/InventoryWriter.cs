using System.Collections.Concurrent;
using System.Net;
using System.Text;
using FridgeGateway.Sinks;

namespace FridgeGateway.Inventory;

/// <summary>
/// Posts device reports to the inventory API with <c>Idempotency-Key: {deviceId}:{seq}</c>: a replay
/// returns the first answer, so a retry or a spool replay counts once (rule 2).
/// </summary>
public sealed class InventoryWriter(HttpClient http, InventoryOptions options) : ISinkWriter
{
    public string Name => "inventory";

    public async Task<IReadOnlyList<RejectedItem>> WriteAsync(IReadOnlyList<SinkItem> items, CancellationToken cancellationToken)
    {
        var rejected = new ConcurrentBag<(int Index, RejectedItem Item)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            async (index, ct) =>
            {
                var item = items[index];
                using var request = new HttpRequestMessage(HttpMethod.Post, InventoryReports.PathFor(item))
                {
                    Content = new StringContent(item.Body, Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("Idempotency-Key", item.Key);
                request.Headers.Add("X-Api-Key", options.ApiKey);
                using var response = await http.SendAsync(request, ct);
                if (response.IsSuccessStatusCode) return;
                var code = (int)response.StatusCode;
                var detail = await response.Content.ReadAsStringAsync(ct);
                if (IsRefusal(response.StatusCode))
                    rejected.Add((index, new RejectedItem(item, $"inventory API {code}: {Clip(detail)}")));
                else
                    throw new TransientSinkException($"inventory API answered {code}: {Clip(detail)}");
            });
        return rejected.OrderBy(r => r.Index).Select(r => r.Item).ToList();
    }

    // 401/403 are a wrong key (a setting to fix): retried, never dropped. 429 and 5xx are outages.
    private static bool IsRefusal(HttpStatusCode status) =>
        status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity;

    private static string Clip(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
