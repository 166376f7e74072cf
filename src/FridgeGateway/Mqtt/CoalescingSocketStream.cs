using System.Buffers;
using System.Net;
using System.Net.Sockets;
using MQTTnet.Channel;

namespace FridgeGateway.Mqtt;

/// <summary>
/// Opens the gateway's TCP connection to the broker as a <see cref="CoalescingSocketStream"/> (MQTTnet's
/// stream provider hook): same socket options as MQTTnet's own channel, fewer system calls per message.
/// </summary>
public sealed class CoalescingSocketStreamProvider : IMqttClientStreamProvider
{
    public async Task<Stream> ConnectAsync(EndPoint remoteEndPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(remoteEndPoint, cancellationToken);
            return new CoalescingSocketStream(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

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
/// </summary>
public sealed class CoalescingSocketStream(Socket socket) : Stream
{
    /// <summary>Past this many queued bytes a writer waits for the flusher (backpressure, bounded memory).</summary>
    private const int MaxQueuedBytes = 1 << 20;

    private readonly byte[] _readBuffer = new byte[64 * 1024];
    private int _readStart, _readEnd;

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
            try { read = await socket.ReceiveAsync(_readBuffer, SocketFlags.None, cancellationToken); }
            catch (SocketException e) { throw new IOException(e.Message, e); }
            if (read == 0) return 0;
            (_readStart, _readEnd) = (0, read);
        }
        var count = Math.Min(buffer.Length, _readEnd - _readStart);
        _readBuffer.AsSpan(_readStart, count).CopyTo(buffer.Span);
        _readStart += count;
        return count;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Task? waitForRoom = null;
        lock (_writeLock)
        {
            if (_sendFailure is not null) throw new IOException("the connection to the broker failed", _sendFailure);
            _queued.Write(buffer.Span);
            if (!_flushing)
            {
                _flushing = true;
                ThreadPool.UnsafeQueueUserWorkItem(static stream => _ = stream.FlushQueuedAsync(), this, preferLocal: false);
            }
            if (_queued.WrittenCount > MaxQueuedBytes) waitForRoom = (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
        if (waitForRoom is not null) await waitForRoom.WaitAsync(cancellationToken);
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
                while (pending.Length > 0) pending = pending[await socket.SendAsync(pending, SocketFlags.None)..];
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
