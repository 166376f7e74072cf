namespace FridgeGateway.Sinks;

/// <summary>
/// Writes a batch to one destination. Returns the items the destination refused for good (4xx);
/// throws <see cref="TransientSinkException"/> (or an HTTP/timeout exception) when the whole batch
/// should be tried again later (5xx, 429, timeouts, connection refused).
/// </summary>
public interface ISinkWriter
{
    string Name { get; }
    Task<IReadOnlyList<RejectedItem>> WriteAsync(IReadOnlyList<SinkItem> items, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the destination is up and answering as a whole (e.g. its readiness endpoint): only then can
    /// an item it keeps failing be blamed on the item and quarantined. A writer that cannot tell says no.
    /// </summary>
    Task<bool> IsAnsweringAsync(CancellationToken cancellationToken) => Task.FromResult(false);
}

/// <summary>
/// A failure that a later attempt may fix. <see cref="FailedItems"/>, when set, are the items the
/// destination answered with a server error of its own (the others were taken): if that goes on while
/// the destination answers, those items are poison, not an outage.
/// </summary>
public sealed class TransientSinkException(string message, Exception? inner = null, IReadOnlyList<SinkItem>? failedItems = null) : Exception(message, inner)
{
    public IReadOnlyList<SinkItem> FailedItems { get; } = failedItems ?? [];
}
