using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.LowLevelClient;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace FridgeGateway.Mqtt;

/// <summary>
/// One connection of the ingestion's persistent session, on MQTTnet's low-level client (its codec and channel, our
/// loop). MQTTnet's full client reads the socket asynchronously and hands every PUBLISH to a task of its own through a
/// queue, and our handler on that task hands it on to the batch writer's channel: at a paced load each step wakes a
/// thread-pool thread for a few messages, and those wake-ups were the largest part of the gateway's cost per message
/// (docs/benchmarks.md, "The gateway's cost at paced loads"). Here a thread of its own reads the blocking socket
/// (<see cref="CoalescingSocketStream"/>) and writes each PUBLISH to the channel itself: data wakes that one thread.
/// A PUBACK goes out when the batch writer acknowledges the message (rule "Nothing acknowledged is lost"), on this
/// connection only: after a reconnect the broker redelivers, and the redelivery counts once.
/// <para>
/// What the full client did besides, done here: CONNECT and its CONNACK, SUBSCRIBE and its SUBACK, and the keep-alive
/// (a PINGREQ when nothing was sent for half the keep-alive; the connection is given up when nothing at all arrives
/// for the keep-alive and the timeout after a PINGREQ, unless the loop is only waiting for room in the channel).
/// </para>
/// </summary>
internal sealed class IngestionConnection : IDisposable
{
    private readonly ILowLevelMqttClient _client;
    private readonly ChannelWriter<InboundMessage> _inbound;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<MqttSubAckPacket>? _subscribing;
    private long _lastSent, _lastReceived;
    private volatile bool _waitingForRoom;

    private IngestionConnection(ILowLevelMqttClient client, ChannelWriter<InboundMessage> inbound, TimeProvider time)
    {
        (_client, _inbound, _time) = (client, inbound, time);
        _lastSent = _lastReceived = time.GetTimestamp();
    }

    /// <summary>Open until the broker or the network ends it, or <see cref="DisconnectAsync"/>.</summary>
    public bool IsOpen => !_closed.Task.IsCompleted;

    /// <summary>Completes, with why, when the connection has ended.</summary>
    public Task<string> Closed => _closed.Task;

    /// <summary>
    /// Connects and is accepted, or throws naming why (a refused CONNECT: bad credentials, a client id not allowed).
    /// <paramref name="options"/> open a blocking socket (<see cref="MqttOptions.PersistentSession"/> with blocking).
    /// </summary>
    public static async Task<(IngestionConnection Connection, bool SessionPresent)> OpenAsync(
        MqttClientOptions options, ChannelWriter<InboundMessage> inbound, TimeProvider time, CancellationToken cancellationToken)
    {
        var client = new MqttClientFactory().CreateLowLevelMqttClient();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Timeout);
            await client.ConnectAsync(options, timeout.Token);
            await client.SendAsync(MqttConnectPacketFactory.Create(options), timeout.Token);
            MqttPacket? answer;
            // A blocking read heeds no token: a broker that does not answer has the socket closed under the read.
            await using (timeout.Token.Register(client.Dispose))
                answer = await Task.Run(() => client.ReceiveAsync(timeout.Token), CancellationToken.None);
            if (answer is not MqttConnAckPacket connAck)
                throw new InvalidOperationException($"the broker answered the CONNECT with {answer?.GetType().Name ?? "a closed connection"}");
            if (connAck.ReasonCode != MqttConnectReasonCode.Success)
                throw new InvalidOperationException($"broker refused the connection: {connAck.ReasonCode} {connAck.ReasonString}");
            var keepAlive = connAck.ServerKeepAlive > 0 ? TimeSpan.FromSeconds(connAck.ServerKeepAlive) : options.KeepAlivePeriod;
            var connection = new IngestionConnection(client, inbound, time);
            new Thread(connection.Receive) { IsBackground = true, Name = "MQTT ingestion" }.Start();
            if (keepAlive > TimeSpan.Zero) _ = Task.Run(() => connection.KeepAliveAsync(keepAlive, options.Timeout), CancellationToken.None);
            return (connection, connAck.IsSessionPresent);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Subscribes and waits for the SUBACK; throws when a filter is refused.</summary>
    public async Task SubscribeAsync(MqttClientSubscribeOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var packet = MqttSubscribePacketFactory.Create(options);
        packet.PacketIdentifier = 1; // the one request this connection makes and waits for
        var answer = _subscribing = new TaskCompletionSource<MqttSubAckPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
        await SendAsync(packet, cancellationToken);
        var subAck = await answer.Task.WaitAsync(timeout, cancellationToken).WaitAsync(_closing.Token);
        for (var i = 0; i < packet.TopicFilters.Count; i++)
        {
            var code = i < subAck.ReasonCodes.Count ? subAck.ReasonCodes[i] : MqttSubscribeReasonCode.UnspecifiedError;
            if (code > MqttSubscribeReasonCode.GrantedQoS2)
                throw new InvalidOperationException($"subscription to {packet.TopicFilters[i].Topic} refused: {code}");
        }
    }

    /// <summary>Ends the session's connection cleanly (the broker keeps the session and what is not acknowledged).</summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        if (!IsOpen) return;
        try { await SendAsync(new MqttDisconnectPacket { ReasonCode = MqttDisconnectReasonCode.NormalDisconnection }, cancellationToken); }
        finally { Close("disconnected by the gateway"); }
    }

    /// <summary>The connection's thread: blocks on the socket, and on the channel when it is full.</summary>
    private void Receive()
    {
        var why = "the broker closed the connection";
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                var packet = _client.ReceiveAsync(_closing.Token).GetAwaiter().GetResult();
                Interlocked.Exchange(ref _lastReceived, _time.GetTimestamp());
                switch (packet)
                {
                    case null:
                        return;
                    case MqttPublishPacket publish:
                        HandOver(publish);
                        break;
                    case MqttSubAckPacket subAck:
                        _subscribing?.TrySetResult(subAck);
                        break;
                    case MqttDisconnectPacket disconnect:
                        why = $"the broker disconnected: {disconnect.ReasonCode} {disconnect.ReasonString}";
                        return;
                    default:
                        break; // a PINGRESP: its arrival is what counts; nothing else is asked of a subscriber at QoS 1
                }
            }
        }
        catch (Exception e)
        {
            why = e is OperationCanceledException ? "closed" : e.Message;
        }
        finally
        {
            Close(why);
        }
    }

    /// <summary>To the batch writer; when the channel is full, the thread waits (the broker keeps the rest: backpressure).</summary>
    private void HandOver(MqttPublishPacket publish)
    {
        var id = publish.PacketIdentifier;
        Func<CancellationToken, Task> acknowledge = publish.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce
            ? static _ => Task.CompletedTask
            : ct => AcknowledgeAsync(id, ct);
        var message = new InboundMessage(publish.Topic, InboundMessage.PayloadOf(publish.Payload), _time.GetUtcNow(), acknowledge);
        if (_inbound.TryWrite(message)) return;
        _waitingForRoom = true;
        try { _inbound.WriteAsync(message, _closing.Token).AsTask().GetAwaiter().GetResult(); }
        finally { _waitingForRoom = false; }
    }

    private Task AcknowledgeAsync(ushort packetIdentifier, CancellationToken cancellationToken) =>
        IsOpen
            ? SendAsync(new MqttPubAckPacket { PacketIdentifier = packetIdentifier, ReasonCode = MqttPubAckReasonCode.Success }, cancellationToken)
            : Task.FromException(new InvalidOperationException("the connection the message came on has ended"));

    private async Task SendAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        await _client.SendAsync(packet, either.Token);
        Interlocked.Exchange(ref _lastSent, _time.GetTimestamp());
    }

    private async Task KeepAliveAsync(TimeSpan keepAlive, TimeSpan timeout)
    {
        var every = keepAlive / 2;
        try
        {
            while (IsOpen)
            {
                await Task.Delay(every, _time, _closing.Token);
                if (_time.GetElapsedTime(Interlocked.Read(ref _lastSent)) >= every)
                    await SendAsync(MqttPingReqPacket.Instance, _closing.Token);
                if (!_waitingForRoom && _time.GetElapsedTime(Interlocked.Read(ref _lastReceived)) > keepAlive + timeout)
                    Close($"nothing from the broker for {keepAlive + timeout:g}, a PINGREQ unanswered");
            }
        }
        catch (Exception e)
        {
            Close(e is OperationCanceledException ? "closed" : e.Message);
        }
    }

    private void Close(string why)
    {
        if (!_closed.TrySetResult(why)) return;
        _closing.Cancel();
        _subscribing?.TrySetException(new InvalidOperationException($"the connection ended: {why}"));
        // Closes the socket: a read or write still waiting on it ends at once.
        _ = _client.DisconnectAsync(CancellationToken.None).ContinueWith(_ => _client.Dispose(), TaskScheduler.Default);
    }

    public void Dispose() => Close("disposed");
}
