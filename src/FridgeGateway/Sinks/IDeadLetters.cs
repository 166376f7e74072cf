namespace FridgeGateway.Sinks;

/// <summary>Where items refused for good go: the dead-letter topic.</summary>
public interface IDeadLetters
{
    Task PublishAsync(string topic, string reason, ReadOnlyMemory<byte> payload, DateTimeOffset receivedAt, CancellationToken cancellationToken);
}
