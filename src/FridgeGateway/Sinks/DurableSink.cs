using System.Diagnostics;
using FridgeGateway.Observability;
using FridgeGateway.Spool;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace FridgeGateway.Sinks;

/// <summary>
/// One destination behind its own Polly pipeline (timeout, jittered retry, circuit breaker) and its
/// own spool. A batch is durable once written or spooled; while the spool holds anything, new
/// batches join it, so replay keeps their order. One sink's outage never blocks another sink.
/// </summary>
public sealed class DurableSink : IDisposable
{
    private readonly ISinkWriter _writer;
    private readonly DurableSpool _spool;
    private readonly IDeadLetters _deadLetters;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly SemaphoreSlim _replaySignal = new(0);
    private readonly SinkQuarantine? _quarantine;
    private readonly int _quarantineAfter;

    public DurableSink(ISinkWriter writer, DurableSpool spool, IDeadLetters deadLetters, GatewayMetrics metrics, ILogger logger,
        SinkResilienceOptions resilience, SinkQuarantine? quarantine = null)
    {
        _writer = writer;
        _spool = spool;
        _quarantine = quarantine;
        _quarantineAfter = resilience.QuarantineAfterAttempts;
        _deadLetters = deadLetters;
        _metrics = metrics;
        _logger = logger;
        _pipeline = BuildPipeline(resilience);
        metrics.ObserveSpool(writer.Name, () => _spool.PendingBytes);
    }

    public string Name => _writer.Name;
    public DurableSpool Spool => _spool;

    /// <summary>True when the items are durable (written or spooled); false when the spool is full.</summary>
    public async Task<bool> AcceptAsync(IReadOnlyList<SinkItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0) return true;
        if (_spool.IsEmpty)
        {
            try
            {
                await WriteAsync(items, cancellationToken);
                return true;
            }
            catch (Exception e) when (IsOutage(e, cancellationToken))
            {
                _logger.LogWarning("Sink {Sink} unavailable ({Error}); spooling {Items} items", Name, e.Message, items.Count);
            }
        }
        if (!_spool.TryAppend(SinkBatchCodec.Encode(items))) return false;
        _metrics.Spooled(Name, items.Count);
        _replaySignal.Release();
        return true;
    }

    /// <summary>
    /// Replays the spool in order whenever it holds something and the sink takes it. An item the
    /// destination fails (a 500) on <see cref="SinkResilienceOptions.QuarantineAfterAttempts"/> replays in
    /// a row, each time while it says it is ready, is quarantined so that the items behind it flow (rule "One device can only hurt itself").
    /// </summary>
    public async Task ReplayAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        var strikes = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var record = _spool.Peek();
            if (record is null)
            {
                await _replaySignal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
                continue;
            }
            var items = SinkBatchCodec.Decode(record);
            var attempts = new Attempts();
            try
            {
                await WriteAsync(items, attempts, stoppingToken);
                _spool.Commit(record);
                _metrics.Replayed(Name, items.Count);
                backoff = TimeSpan.FromMilliseconds(250);
                strikes = 0;
                if (_spool.IsEmpty) _logger.LogInformation("Sink {Sink} spool fully replayed", Name);
            }
            catch (Exception e) when (IsOutage(e, stoppingToken))
            {
                if (attempts.ItemFailure is { } failure && _quarantine is not null
                    && await _writer.IsAnsweringAsync(stoppingToken) && ++strikes >= _quarantineAfter)
                {
                    await QuarantineAsync(failure.FailedItems, failure.Message, strikes, stoppingToken);
                    _spool.Commit(record); // every other item of the record was taken (or refused) in that attempt
                    _metrics.Replayed(Name, items.Count - failure.FailedItems.Count);
                    strikes = 0;
                    backoff = TimeSpan.FromMilliseconds(250);
                    continue;
                }
                _logger.LogDebug("Replay to {Sink} failed ({Error}); next try in {Delay}", Name, e.Message, backoff);
                await Task.Delay(backoff, stoppingToken);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 10_000));
            }
        }
    }

    private async Task QuarantineAsync(IReadOnlyList<SinkItem> items, string reason, int attempts, CancellationToken ct)
    {
        foreach (var item in items)
        {
            var kept = _quarantine!.TryAdd(item, reason, DateTimeOffset.UtcNow);
            _metrics.Quarantined(Name);
            _logger.LogError("Sink {Sink} failed {Key} from {Topic} {Attempts} times while answering others: quarantined{Where} ({Reason})",
                Name, item.Key, item.Topic, attempts, kept ? $" in {_quarantine.Path}" : " (quarantine full: dead letter only)", reason);
            await _deadLetters.PublishAsync(item.Topic, $"{Name} quarantined after {attempts} attempts: {reason}",
                item.Body, DateTimeOffset.UtcNow, ct);
        }
    }

    private Task WriteAsync(IReadOnlyList<SinkItem> items, CancellationToken cancellationToken) => WriteAsync(items, new Attempts(), cancellationToken);

    /// <summary>What the attempts of one write saw: the circuit breaker may end it with its own exception, hiding the item failures.</summary>
    private sealed class Attempts
    {
        public TransientSinkException? ItemFailure;
    }

    private async Task WriteAsync(IReadOnlyList<SinkItem> items, Attempts attempts, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var rejected = await _pipeline.ExecuteAsync(static async (state, ct) =>
        {
            try { return await state._writer.WriteAsync(state.items, ct); }
            catch (TransientSinkException e) when (e.FailedItems.Count > 0)
            {
                state.attempts.ItemFailure = e;
                throw;
            }
        }, (_writer, items, attempts), cancellationToken);
        _metrics.Written(Name, items.Count - rejected.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        foreach (var reject in rejected)
        {
            _logger.LogWarning("Sink {Sink} refused {Key} from {Topic}: {Reason}", Name, reject.Item.Key, reject.Item.Topic, reject.Reason);
            _metrics.DeadLetter("sink_refused");
            await _deadLetters.PublishAsync(reject.Item.Topic, $"{Name} refused: {reject.Reason}",
                reject.Item.Body, DateTimeOffset.UtcNow, cancellationToken);
        }
    }

    /// <summary>A failure the spool absorbs: a transient one (not our own shutdown), or the circuit being open.</summary>
    private static bool IsOutage(Exception e, CancellationToken cancellationToken) =>
        (!cancellationToken.IsCancellationRequested && IsTransient(e)) || e is BrokenCircuitException;

    private static bool IsTransient(Exception e) =>
        e is TransientSinkException or HttpRequestException or TimeoutRejectedException or TaskCanceledException or IOException;

    private static ResiliencePipeline BuildPipeline(SinkResilienceOptions options)
    {
        var transient = new PredicateBuilder().Handle<Exception>(IsTransient);
        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.RetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(5),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = transient,
                FailureRatio = 0.5,
                MinimumThroughput = 3,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = options.BreakDuration,
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    public void Dispose()
    {
        _spool.Dispose();
        _replaySignal.Dispose();
    }
}

/// <summary>How hard a sink tries before its batches go to the spool (<c>Resilience__*</c>).</summary>
public sealed record SinkResilienceOptions
{
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public int RetryAttempts { get; set; } = 2;
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Replays in a row that fail one item while the destination is ready, before that item is quarantined.</summary>
    public int QuarantineAfterAttempts { get; set; } = 5;
}

/// <summary>The ranges Polly accepts, checked at start so a wrong value names its key.</summary>
public sealed class SinkResilienceOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<SinkResilienceOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, SinkResilienceOptions o)
    {
        var errors = new List<string>();
        if (o.AttemptTimeout < TimeSpan.FromMilliseconds(10) || o.AttemptTimeout > TimeSpan.FromMinutes(5)) errors.Add("Resilience__AttemptTimeout must be within 10 ms..5 min");
        if (o.RetryAttempts is < 1 or > 10) errors.Add("Resilience__RetryAttempts must be within 1..10");
        if (o.RetryBaseDelay < TimeSpan.Zero || o.RetryBaseDelay > TimeSpan.FromSeconds(30)) errors.Add("Resilience__RetryBaseDelay must be within 0..30 s");
        if (o.QuarantineAfterAttempts is < 1 or > 1000) errors.Add("Resilience__QuarantineAfterAttempts must be within 1..1000");
        if (o.BreakDuration < TimeSpan.FromMilliseconds(500) || o.BreakDuration > TimeSpan.FromMinutes(10)) errors.Add("Resilience__BreakDuration must be within 0.5 s..10 min");
        return errors.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors);
    }
}
