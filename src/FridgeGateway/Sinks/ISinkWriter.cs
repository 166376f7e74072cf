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
}

/// <summary>A failure that a later attempt may fix.</summary>
public sealed class TransientSinkException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Where items refused for good go: the dead-letter topic.</summary>
public interface IDeadLetters
{
    Task PublishAsync(string topic, string reason, ReadOnlyMemory<byte> payload, DateTimeOffset receivedAt, CancellationToken cancellationToken);
}
