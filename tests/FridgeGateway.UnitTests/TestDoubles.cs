using System.Diagnostics.Metrics;
using FridgeGateway.Observability;
using FridgeGateway.Sinks;
using FridgeGateway.Spool;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;

namespace FridgeGateway.UnitTests;

internal static class TestDoubles
{
    public static GatewayMetrics Metrics() =>
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    public static readonly SinkResilienceOptions FastResilience = new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(2), RetryAttempts = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(1), BreakDuration = TimeSpan.FromMilliseconds(500),
    };

    public static DurableSink Sink(ISinkWriter writer, string directory, IDeadLetters? deadLetters = null, long maxBytes = 1 << 20) =>
        new(writer, new DurableSpool(directory, maxBytes), deadLetters ?? Substitute.For<IDeadLetters>(), Metrics(), NullLogger.Instance,
            FastResilience with { QuarantineAfterAttempts = 3 }, new SinkQuarantine(Path.Combine(directory, "quarantine.jsonl"), 1 << 20));

    public static ISinkWriter Writer(string name = "influx")
    {
        var writer = Substitute.For<ISinkWriter>();
        writer.Name.Returns(name);
        writer.WriteAsync(default!, default).ReturnsForAnyArgs(Task.FromResult<IReadOnlyList<RejectedItem>>([]));
        return writer;
    }

    public static SinkItem Item(string key) => new("coop/v1/fridges/fridge-t-01/telemetry", key, $"m,device=d v=1 {key.Length}");
}
