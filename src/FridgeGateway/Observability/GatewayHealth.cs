namespace FridgeGateway.Observability;

/// <summary>
/// Whether the gateway's loops are running, for <c>/healthz</c>: an orchestrator restarts a gateway
/// whose consumer died quietly or is stuck, instead of leaving it alive and useless (rule "One device can only hurt itself").
/// A loop that ended is dead; a loop that has not beaten for <see cref="StallAfter"/> is stuck; the batch
/// writer is stuck when one batch keeps failing for that long while the broker is connected (a full
/// spool is not stuck: it holds the batch on purpose, rule "Outages are absorbed, not passed on", and /readyz says so).
/// </summary>
public sealed class GatewayHealth(TimeProvider time, TimeSpan stallAfter)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _beats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _ended = new(StringComparer.Ordinal);
    private readonly Dictionary<object, (DateTimeOffset Since, string Error)> _failing = new(ReferenceEqualityComparer.Instance);

    public TimeSpan StallAfter { get; } = stallAfter;

    /// <summary>A loop says it is still going round.</summary>
    public void Beat(string loop) { lock (_gate) _beats[loop] = time.GetUtcNow(); }

    /// <summary>A loop ended (it should not while the gateway runs).</summary>
    public void Ended(string loop, string why) { lock (_gate) _ended[loop] = why; }

    /// <summary>The batch writer could not finish this batch (not a full spool): when it started failing is kept.</summary>
    public void BatchFailing(object batch, string error)
    {
        lock (_gate) _failing[batch] = (_failing.TryGetValue(batch, out var known) ? known.Since : time.GetUtcNow(), error);
    }

    public void BatchNoLongerFailing(object batch) { lock (_gate) _failing.Remove(batch); }

    /// <summary>Null when alive; otherwise why not.</summary>
    public string? Problem(bool brokerConnected)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_ended.Count > 0) return string.Join("; ", _ended.Select(e => $"{e.Key} loop ended: {e.Value}"));
            foreach (var (loop, beat) in _beats)
                if (now - beat > StallAfter) return $"{loop} loop has not run for {(now - beat).TotalSeconds:0} s";
            if (brokerConnected)
                foreach (var (since, error) in _failing.Values)
                    if (now - since > StallAfter) return $"a batch has been failing for {(now - since).TotalSeconds:0} s: {error}";
            return null;
        }
    }
}
