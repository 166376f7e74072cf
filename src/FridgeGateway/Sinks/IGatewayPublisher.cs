using FridgeGateway.Alerts;

namespace FridgeGateway.Sinks;

/// <summary>Publishes what the gateway itself says: dead letters and retained alerts.</summary>
public interface IGatewayPublisher : IDeadLetters
{
    Task PublishAlertAsync(AlertTransition transition, CancellationToken cancellationToken);
}
