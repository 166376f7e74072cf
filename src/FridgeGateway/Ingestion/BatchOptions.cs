using Microsoft.Extensions.Options;

namespace FridgeGateway.Ingestion;

/// <summary>How received messages are grouped before they are written and acknowledged.</summary>
public sealed class BatchOptions
{
    public const string Section = "Batch";
    /// <summary>InfluxDB writes best in batches of about 5,000 lines (its own advice; measured in docs/benchmarks.md).</summary>
    public int MaxMessages { get; set; } = 5000;
    /// <summary>
    /// How long a batch waits for more after its first message: latency traded for cost. Each batch has fixed costs
    /// (a write to each sink, its timers and wake-ups), which dominate at a paced load: at 3,000 msg/s 200 ms costs
    /// 0.77 × the CPU of 50 ms, for a p99 time-to-durable of ~300 ms instead of ~100 ms (docs/benchmarks.md "The
    /// gateway's cost at paced loads"). A flood fills batches before this runs out.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Batches being written at once (each acknowledged after the one before it).</summary>
    public int MaxInFlightBatches { get; set; } = 4;
    /// <summary>How many of each device's latest sequence numbers are remembered to recognise redelivered messages (a multiple of 64).</summary>
    public int RememberedPerDevice { get; set; } = 1024;
    /// <summary>How many devices are remembered (the first remembered is forgotten past that).</summary>
    public int RememberedDevices { get; set; } = 100_000;
    /// <summary>Future tolerance of a device's <c>ts</c>; later ones are replaced by the receive time.</summary>
    public TimeSpan FutureTolerance { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>A <c>ts</c> older than this is implausible (an unset clock) and replaced by the receive time.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);
    /// <summary>A loop that has not run, or a batch that keeps failing, for this long makes <c>/healthz</c> answer 503.</summary>
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromMinutes(2);
}

public sealed class BatchOptionsValidator : IValidateOptions<BatchOptions>
{
    public ValidateOptionsResult Validate(string? name, BatchOptions o)
    {
        var errors = new List<string>();
        if (o.MaxMessages is < 1 or > 50_000) errors.Add("Batch__MaxMessages must be within 1..50000");
        if (o.MaxDelay < TimeSpan.Zero || o.MaxDelay > TimeSpan.FromSeconds(10)) errors.Add("Batch__MaxDelay must be within 0..10 s");
        if (o.MaxInFlightBatches is < 1 or > 64) errors.Add("Batch__MaxInFlightBatches must be within 1..64");
        if (o.RememberedPerDevice is < 64 or > 65_536 || o.RememberedPerDevice % 64 != 0) errors.Add("Batch__RememberedPerDevice must be a multiple of 64 within 64..65536");
        if (o.RememberedDevices < 1000) errors.Add("Batch__RememberedDevices must be >= 1000");
        if (o.FutureTolerance < TimeSpan.Zero) errors.Add("Batch__FutureTolerance must not be negative");
        if (o.StallAfter < TimeSpan.FromSeconds(2) || o.StallAfter > TimeSpan.FromHours(1)) errors.Add("Batch__StallAfter must be within 2 s..1 h");
        if (o.MaxAge <= TimeSpan.FromHours(1)) errors.Add("Batch__MaxAge must be more than an hour: devices send hours-late buffers");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
