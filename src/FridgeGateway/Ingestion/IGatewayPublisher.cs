using FridgeGateway.Alerts;
using FridgeGateway.Sinks;

namespace FridgeGateway.Ingestion;

/// <summary>Publishes what the gateway itself says: dead letters and retained alerts.</summary>
public interface IGatewayPublisher : IDeadLetters
{
    Task PublishAlertAsync(AlertTransition transition, CancellationToken cancellationToken);
}
