using System.Threading.Channels;
using FridgeGateway.Mqtt;

namespace FridgeGateway.Ingestion;

/// <summary>
/// The bounded channel between the MQTT connections and the batch writer, with one difference: a batch lingering for
/// more is woken when the queue holds what it waits for (enough to fill the batch, or the receive window), or at its
/// deadline, not at every message. A parked reader of a plain channel is woken by each write, and at a paced load that
/// was a thread-pool wake-up for every message or two (docs/benchmarks.md, "The gateway's cost at paced loads").
/// </summary>
public sealed class InboundQueue
{
    private readonly Channel<InboundMessage> _channel;
    private readonly Lock _lock = new();
    // The count the lingering batch waits for (int.MaxValue: none waits), and what wakes it.
    private int _wakeAt = int.MaxValue;
    private TaskCompletionSource? _reached;
    private volatile bool _completed;

    /// <param name="capacity">At most this many messages wait (the receive maximum: backpressure); 0 for no bound (tests).</param>
    public InboundQueue(int capacity)
    {
        _channel = capacity > 0
            ? Channel.CreateBounded<InboundMessage>(new BoundedChannelOptions(capacity)
            {
                SingleReader = true,
                SingleWriter = false, // the MQTT connection, and the alert session when there are several replicas
                FullMode = BoundedChannelFullMode.Wait,
            })
            : Channel.CreateUnbounded<InboundMessage>(); // a single reader's unbounded channel cannot count
        Writer = new SignallingWriter(this);
    }

    public ChannelReader<InboundMessage> Reader => _channel.Reader;

    public ChannelWriter<InboundMessage> Writer { get; }

    /// <summary>Returns when the queue holds at least <paramref name="count"/> messages, or once <paramref name="timeout"/> has passed.</summary>
    public async Task WaitUntilHoldsAsync(int count, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Task reached;
        lock (_lock)
        {
            _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            reached = _reached.Task;
            // Published before the count is looked at (a full fence): a write after this sees it, one before is counted.
            Interlocked.Exchange(ref _wakeAt, count);
            if (_channel.Reader.Count >= count || _completed) _reached.TrySetResult();
        }
        try { await reached.WaitAsync(timeout, time, cancellationToken); }
        catch (TimeoutException) { }
        finally
        {
            lock (_lock)
            {
                _wakeAt = int.MaxValue;
                _reached = null;
            }
        }
    }

    private void Written()
    {
        // A full fence as well: the count just written and the reader's wish are seen in order.
        if (_channel.Reader.Count < Interlocked.CompareExchange(ref _wakeAt, 0, 0)) return;
        Wake();
    }

    private void Wake()
    {
        lock (_lock)
        {
            _reached?.TrySetResult();
            _wakeAt = int.MaxValue;
        }
    }

    /// <summary>The writers' end: the channel's own, telling the queue after each write and when it is completed.</summary>
    private sealed class SignallingWriter(InboundQueue queue) : ChannelWriter<InboundMessage>
    {
        private ChannelWriter<InboundMessage> Inner => queue._channel.Writer;

        public override bool TryWrite(InboundMessage item)
        {
            if (!Inner.TryWrite(item)) return false;
            queue.Written();
            return true;
        }

        public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) => Inner.WaitToWriteAsync(cancellationToken);

        public override bool TryComplete(Exception? error = null)
        {
            var completed = Inner.TryComplete(error);
            queue._completed = true;
            queue.Wake();
            return completed;
        }
    }
}
