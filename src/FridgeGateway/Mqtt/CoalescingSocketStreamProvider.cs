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
public sealed class CoalescingSocketStreamProvider(int receiveWindow) : IMqttClientStreamProvider
{
    public async Task<Stream> ConnectAsync(EndPoint remoteEndPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(remoteEndPoint, cancellationToken);
            return new CoalescingSocketStream(socket, receiveWindow);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
