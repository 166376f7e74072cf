using System.Net;
using System.Net.Sockets;
using System.Text;
using FridgeGateway.Ingestion;
using FridgeGateway.Mqtt;
using MQTTnet;

namespace FridgeGateway.UnitTests;

/// <summary>
/// The ingestion's own MQTT connection against a scripted broker on a loopback socket: the bytes of MQTT 5 as a broker
/// sends them, so that what the connection does on the wire (its PUBACKs, its PINGREQs, when it gives up) is seen.
/// The real broker's part (sessions, redelivery, a cut network) is in the integration tests.
/// </summary>
public sealed class IngestionConnectionTests : IAsyncLifetime
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly InboundQueue _inbound = new(capacity: 100);
    private Socket? _broker;

    public Task InitializeAsync()
    {
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _broker?.Dispose();
        _listener.Stop();
        return Task.CompletedTask;
    }

    private MqttClientOptions Options(int keepAliveSeconds = 30) =>
        new MqttOptions { Host = "127.0.0.1", Port = ((IPEndPoint)_listener.LocalEndpoint).Port, KeepAliveSeconds = keepAliveSeconds }
            .PersistentSession("gateway:test", blocking: true).WithTimeout(TimeSpan.FromSeconds(5)).Build(); // a cold start connects within it

    /// <summary>Connects, the scripted broker reading the CONNECT and answering with <paramref name="connAck"/>.</summary>
    private async Task<Task<(IngestionConnection Connection, bool SessionPresent)>> ConnectAsync(MqttClientOptions options, byte[] connAck)
    {
        var opening = IngestionConnection.OpenAsync(options, _inbound.Writer, TimeProvider.System, CancellationToken.None);
        _broker = await _listener.AcceptSocketAsync();
        Assert.Equal(1, (await ReadPacketAsync())[0] >> 4); // CONNECT
        await _broker.SendAsync(connAck, SocketFlags.None);
        return opening;
    }

    private static byte[] ConnAck(bool sessionPresent = false, byte reason = 0) => [0x20, 0x03, (byte)(sessionPresent ? 1 : 0), reason, 0x00];

    private static byte[] QoS1Publish(string topic, ushort id, string payload)
    {
        byte[] body = [(byte)(topic.Length >> 8), (byte)topic.Length, .. Encoding.UTF8.GetBytes(topic), (byte)(id >> 8), (byte)id, 0x00, .. Encoding.UTF8.GetBytes(payload)];
        return [0x32, (byte)body.Length, .. body];
    }

    /// <summary>One whole packet the connection sent.</summary>
    private async Task<byte[]> ReadPacketAsync()
    {
        var packet = new List<byte> { await ReadByteAsync() };
        int length = 0, shift = 0;
        byte digit;
        do { digit = await ReadByteAsync(); packet.Add(digit); length |= (digit & 0x7F) << shift; shift += 7; } while ((digit & 0x80) != 0);
        for (var i = 0; i < length; i++) packet.Add(await ReadByteAsync());
        return [.. packet];
    }

    private async Task<byte> ReadByteAsync()
    {
        var one = new byte[1];
        Assert.Equal(1, await _broker!.ReceiveAsync(one, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(20)));
        return one[0];
    }

    [Fact]
    public async Task A_publish_goes_to_the_queue_and_its_puback_only_once_the_batch_writer_acknowledges_it()
    {
        var (connection, sessionPresent) = await await ConnectAsync(Options(), ConnAck(sessionPresent: true));
        using var _ = connection;
        Assert.True(sessionPresent);

        await _broker!.SendAsync(QoS1Publish("coop/v1/fridges/f-1/telemetry", 0x0107, "{\"seq\":1}"), SocketFlags.None);
        Assert.True(await _inbound.Reader.WaitToReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(_inbound.Reader.TryRead(out var message));
        Assert.Equal("coop/v1/fridges/f-1/telemetry", message.Topic);
        Assert.Equal("{\"seq\":1}", Encoding.UTF8.GetString(message.Payload.Span));
        Assert.Equal(0, _broker.Available); // not acknowledged before it is durable

        await message.AcknowledgeAsync(CancellationToken.None);
        var pubAck = await ReadPacketAsync();
        Assert.Equal(0x40, pubAck[0]);
        Assert.Equal([0x01, 0x07], pubAck[2..4]);
    }

    [Fact]
    public async Task A_refused_connect_throws_with_the_brokers_reason()
    {
        var opening = await ConnectAsync(Options(), ConnAck(reason: 0x87));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => opening);
        Assert.Contains("NotAuthorized", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broker_that_stops_answering_is_pinged_then_given_up_after_the_keep_alive_and_the_timeout()
    {
        var (connection, _) = await await ConnectAsync(Options(keepAliveSeconds: 2), ConnAck());
        using var _ = connection;

        Assert.Equal([0xC0, 0x00], await ReadPacketAsync()); // a PINGREQ: nothing else was sent
        var why = await connection.Closed.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Contains("PINGREQ unanswered", why, StringComparison.Ordinal);
        Assert.False(connection.IsOpen);
    }

    [Fact]
    public async Task A_message_of_a_connection_that_ended_is_never_acknowledged_on_another()
    {
        var (connection, _) = await await ConnectAsync(Options(), ConnAck());
        using var _ = connection;
        await _broker!.SendAsync(QoS1Publish("coop/v1/fridges/f-1/telemetry", 9, "{}"), SocketFlags.None);
        Assert.True(await _inbound.Reader.WaitToReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(_inbound.Reader.TryRead(out var message));

        _broker.Close(); // the broker restarts: it redelivers the message on the next connection
        await connection.Closed.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(connection.IsOpen);

        await Assert.ThrowsAsync<InvalidOperationException>(() => message.AcknowledgeAsync(CancellationToken.None));
    }
}
