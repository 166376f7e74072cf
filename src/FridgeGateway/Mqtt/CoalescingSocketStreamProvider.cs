using System.Net;
using System.Net.Sockets;
using MQTTnet.Channel;

namespace FridgeGateway.Mqtt;

/// <summary>
/// Opens the gateway's TCP connection to the broker as a <see cref="CoalescingSocketStream"/> (MQTTnet's
/// stream provider hook): same socket options as MQTTnet's own channel, fewer system calls per message, and
/// the receive window announced to the broker kept on our side too.
/// </summary>
/// <param name="receiveWindow">The Receive Maximum the client announces; 0 keeps no window (any bytes, not only MQTT).</param>
/// <param name="blocking">A blocking socket, read by a thread of its own (see <see cref="CoalescingSocketStream"/>).</param>
/// <param name="readLinger">Blocking only: the sleep after a short read (<see cref="MqttOptions.ReadLinger"/>).</param>
public sealed class CoalescingSocketStreamProvider(int receiveWindow, bool blocking = false, TimeSpan readLinger = default) : IMqttClientStreamProvider
{
    public async Task<Stream> ConnectAsync(EndPoint remoteEndPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (blocking)
            {
                // One asynchronous call would put the socket in non-blocking mode for good; closing it ends a connect that hangs.
                await using var abort = cancellationToken.Register(socket.Dispose);
                try { await Task.Run(() => socket.Connect(remoteEndPoint), CancellationToken.None); }
                catch (Exception) when (cancellationToken.IsCancellationRequested) { throw new OperationCanceledException(cancellationToken); }
            }
            else await socket.ConnectAsync(remoteEndPoint, cancellationToken);
            return new CoalescingSocketStream(socket, receiveWindow, blocking, readLinger);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
