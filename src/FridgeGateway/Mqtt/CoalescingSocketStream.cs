using System.Buffers;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using FridgeGateway.Observability;
using MQTTnet.Channel;

namespace FridgeGateway.Mqtt;

/// <summary>
/// A socket stream that reads through a buffer and coalesces writes. MQTTnet reads each packet in two to
/// four small reads and writes each PUBACK on its own: at thousands of messages a second that is several
/// system calls per message, on both ends (the broker reads every PUBACK separately too). Here reads are
/// served from a 64 KiB buffer, and writes are queued and sent by one flusher, so the PUBACKs of a batch
/// leave in a few segments.
/// A queued write is not on the wire yet when <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
/// returns. Nothing here depends on that: a PUBACK lost with the connection makes the broker redeliver
/// (and the redelivery counts once), and everything else the gateway sends waits for the broker's answer.
/// A failed send closes the socket, so MQTTnet's reader sees the connection end and reconnects.
/// <para>
/// The receive window: the gateway announces a Receive Maximum, but Mosquitto 2.0 does not keep to it while
/// acknowledgements flow (bench/receive-maximum.sh: 2,700-21,500 held at once against 1,000 announced), and
/// MQTTnet's reader queues whatever arrives, unbounded, ahead of our handler (183,000 messages in a flood's
/// heap dump). So the stream follows the packets' boundaries both ways, counts the QoS 1 PUBLISHes it hands to
/// MQTTnet against the PUBACKs MQTTnet writes, and hands out no further PUBLISH while the window is full:
/// the rest waits in the socket and, past its buffers, in the broker's queue for the session, where it
/// belongs. A broker that keeps to the window is never held back, since it sends nothing past it.
/// Except while the client awaits an answer (the PUBACK of its own PUBLISH, a SUBACK, a PINGRESP): the answer
/// may sit behind the held PUBLISHes, and what the client awaits may be what lets it acknowledge them (an
/// alert published before the message that raised it is acknowledged). Then PUBLISHes pass until the answers
/// are in: what passes is bounded by what the socket buffers held, and the window is kept again after.
/// </para>
/// <para>
/// Blocking (the ingestion's connection, read by a thread of its own: <see cref="IngestionConnection"/>): the socket is
/// read and written with blocking calls only, so .NET leaves it in blocking mode and data wakes the reading thread
/// straight from the kernel. Asynchronous reads route every read through the sockets' event thread and a thread-pool
/// thread, which wakes another in turn: at a paced load those wake-ups were most of the gateway's cost per message.
/// </para>
/// </summary>
/// <param name="blocking">Reads and writes block their thread (never on the thread pool's threads for reads).</param>
/// <param name="readLinger">
/// Blocking only: after a read that brought less than a quarter of the buffer, the thread sleeps this long before it
/// reads again, so that what arrives meanwhile is read in one go (<see cref="MqttOptions.ReadLinger"/>). A full read
/// (a flood, a backlog) reads on at once.
/// </param>
public sealed class CoalescingSocketStream(Socket socket, int receiveWindow, bool blocking = false, TimeSpan readLinger = default) : Stream
{
    /// <summary>Past this many queued bytes a writer waits for the flusher (backpressure, bounded memory).</summary>
    private const int MaxQueuedBytes = 1 << 20;

    // MQTT control packet types (the fixed header's high nibble).
    private const int PublishType = 3, PubAckType = 4, SubscribeType = 8, SubAckType = 9, UnsubscribeType = 10, UnsubAckType = 11,
        PingRequestType = 12, PingResponseType = 13;

    // What the window did, on the gateway's meter (/metrics): PUBLISHes that waited for a slot, and those handed out
    // past a full window because an answer was awaited. A flood that reopens the window shows in the second.
    private static readonly Meter WindowMeter = new(GatewayMetrics.MeterName);
    private static readonly Counter<long> Held = WindowMeter.CreateCounter<long>("gateway.mqtt.window.held", "{message}",
        "QoS 1 PUBLISHes held in the socket until the receive window had room");
    private static readonly Counter<long> PassedFullWindow = WindowMeter.CreateCounter<long>("gateway.mqtt.window.passed_full", "{message}",
        "QoS 1 PUBLISHes handed past a full receive window while an answer from the broker was awaited");

    private readonly byte[] _readBuffer = new byte[64 * 1024];
    private int _readStart, _readEnd;
    private bool _lastReadShort;
    private MqttPacketBoundaries _inbound, _outbound;
    // QoS 1 PUBLISHes handed to MQTTnet and not yet acknowledged, and the answers the client awaits from the broker;
    // guarded by _writeLock, as is the reader's wait.
    private int _unacknowledged, _awaitedAnswers;
    private TaskCompletionSource? _windowOpened;

    private readonly Lock _writeLock = new();
    private ArrayBufferWriter<byte> _queued = new(16 * 1024);
    private ArrayBufferWriter<byte> _sending = new(16 * 1024);
    private bool _flushing;
    private Exception? _sendFailure;
    private TaskCompletionSource? _drained;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readStart == _readEnd)
        {
            int read;
            // As NetworkStream does: MQTTnet expects a socket's failure wrapped in an IOException.
            try
            {
                if (!blocking) read = await socket.ReceiveAsync(_readBuffer, SocketFlags.None, cancellationToken);
                else
                {
                    if (_lastReadShort && readLinger > TimeSpan.Zero) Thread.Sleep(readLinger);
                    read = socket.Receive(_readBuffer, SocketFlags.None);
                    _lastReadShort = read < _readBuffer.Length / 4;
                }
            }
            catch (SocketException e) { throw new IOException(e.Message, e); }
            if (read == 0) return 0;
            (_readStart, _readEnd) = (0, read);
        }
        var count = Math.Min(buffer.Length, _readEnd - _readStart);
        if (receiveWindow > 0)
        {
            if (_inbound.AtBoundary)
            {
                var header = _readBuffer[_readStart];
                if (IsAcknowledgedPublish(header)) await TakeWindowSlotAsync(cancellationToken);
                else if (header >> 4 is PubAckType or SubAckType or UnsubAckType or PingResponseType) AnswerArrived();
            }
            // At most to the end of the packet: the next one's start is where the window is looked at.
            count = _inbound.Consume(_readBuffer.AsSpan(_readStart, count));
        }
        _readBuffer.AsSpan(_readStart, count).CopyTo(buffer.Span);
        _readStart += count;
        return count;
    }

    private static bool IsAcknowledgedPublish(byte fixedHeader) => fixedHeader >> 4 == PublishType && (fixedHeader >> 1 & 3) == 1;

    private async ValueTask TakeWindowSlotAsync(CancellationToken cancellationToken)
    {
        var held = false;
        while (true)
        {
            Task opened;
            lock (_writeLock)
            {
                if (_unacknowledged < receiveWindow || _awaitedAnswers > 0)
                {
                    if (_unacknowledged >= receiveWindow) PassedFullWindow.Add(1);
                    _unacknowledged++;
                    return;
                }
                opened = (_windowOpened ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
            if (!held) Held.Add(1);
            held = true;
            // MQTTnet cancels its reader when the connection ends; nothing else would wake this wait then.
            if (blocking) opened.Wait(cancellationToken);
            else await opened.WaitAsync(cancellationToken);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Task? waitForRoom = null;
        lock (_writeLock)
        {
            if (_sendFailure is not null) throw new IOException("the connection to the broker failed", _sendFailure);
            _queued.Write(buffer.Span);
            if (receiveWindow > 0) CountWrittenPackets(buffer.Span);
            if (!_flushing)
            {
                _flushing = true;
                ThreadPool.UnsafeQueueUserWorkItem(static stream => _ = stream.FlushQueuedAsync(), this, preferLocal: false);
            }
            if (_queued.WrittenCount > MaxQueuedBytes) waitForRoom = (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
        if (waitForRoom is not null) await waitForRoom.WaitAsync(cancellationToken);
    }

    private void AnswerArrived()
    {
        lock (_writeLock) _awaitedAnswers = Math.Max(0, _awaitedAnswers - 1);
    }

    /// <summary>
    /// Frees a window slot for each PUBACK that starts in these bytes, and counts the packets the broker will
    /// answer (under the write lock).
    /// </summary>
    private void CountWrittenPackets(ReadOnlySpan<byte> written)
    {
        var (acknowledged, awaited) = (0, 0);
        while (!written.IsEmpty)
        {
            if (_outbound.AtBoundary)
            {
                var header = written[0];
                if (header >> 4 == PubAckType) acknowledged++;
                else if (IsAcknowledgedPublish(header) || header >> 4 is SubscribeType or UnsubscribeType or PingRequestType) awaited++;
            }
            written = written[_outbound.Consume(written)..];
        }
        if (acknowledged == 0 && awaited == 0) return;
        _unacknowledged = Math.Max(0, _unacknowledged - acknowledged);
        _awaitedAnswers += awaited;
        if (_windowOpened is not null && (_unacknowledged < receiveWindow || _awaitedAnswers > 0))
        {
            _windowOpened.TrySetResult();
            _windowOpened = null;
        }
    }

    /// <summary>Sends what is queued, then what was queued meanwhile, until nothing is left.</summary>
    private async Task FlushQueuedAsync()
    {
        while (true)
        {
            TaskCompletionSource? drained;
            lock (_writeLock)
            {
                if (_queued.WrittenCount == 0)
                {
                    _flushing = false;
                    return;
                }
                (_queued, _sending) = (_sending, _queued);
                drained = _drained;
                _drained = null;
            }
            drained?.TrySetResult();
            try
            {
                var pending = _sending.WrittenMemory;
                while (pending.Length > 0) pending = pending[(blocking ? socket.Send(pending.Span, SocketFlags.None) : await socket.SendAsync(pending, SocketFlags.None))..];
                _sending.ResetWrittenCount();
            }
            catch (Exception e)
            {
                lock (_writeLock)
                {
                    _sendFailure = e;
                    _flushing = false;
                    _drained?.TrySetException(e);
                }
                socket.Dispose();
                return;
            }
        }
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) socket.Dispose();
        base.Dispose(disposing);
    }
}
