using System.Net;
using System.Net.Sockets;
using FridgeGateway.Mqtt;

namespace FridgeGateway.UnitTests;

/// <summary>The gateway's broker connection stream, against a real loopback socket as its peer.</summary>
public class CoalescingSocketStreamTests : IAsyncLifetime
{
    /// <summary>The ingestion's: a blocking socket, read by a thread of its own.</summary>
    protected virtual bool Blocking => false;

    private const int Window = 3;
    private TcpListener _listener = null!;
    private Socket _peer = null!;
    private CoalescingSocketStream _stream = null!;

    public Task InitializeAsync() => ConnectAsync(receiveWindow: 0);

    /// <summary>A new connection (the one of InitializeAsync, or another for the window's tests) replacing the last.</summary>
    private async Task ConnectAsync(int receiveWindow)
    {
        _stream?.Dispose();
        _peer?.Dispose();
        _listener?.Stop();
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        var accepted = _listener.AcceptSocketAsync();
        _stream = (CoalescingSocketStream)await new CoalescingSocketStreamProvider(receiveWindow, Blocking).ConnectAsync(_listener.LocalEndpoint, CancellationToken.None);
        _peer = await accepted;
    }

    public Task DisposeAsync()
    {
        _stream.Dispose();
        _peer.Dispose();
        _listener.Stop();
        return Task.CompletedTask;
    }

    private async Task<byte[]> PeerReceivesAsync(int count)
    {
        var received = new byte[count];
        for (var at = 0; at < count;)
        {
            var read = await _peer.ReceiveAsync(received.AsMemory(at), SocketFlags.None);
            Assert.True(read > 0, $"the connection ended after {at} of {count} bytes");
            at += read;
        }
        return received;
    }

    [Fact]
    public async Task Small_reads_are_served_from_one_receive_in_order()
    {
        var sent = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        await _peer.SendAsync(sent, SocketFlags.None);

        var read = new List<byte>();
        var chunk = new byte[3];
        // MQTTnet reads a fixed header of 2 bytes, then the length byte by byte, then the body.
        foreach (var size in Enumerable.Range(0, 100_000).Select(i => 1 + i % 3))
        {
            if (read.Count == sent.Length) break;
            var n = await _stream.ReadAsync(chunk.AsMemory(0, Math.Min(size, sent.Length - read.Count)));
            Assert.True(n > 0);
            read.AddRange(chunk.Take(n));
        }
        Assert.Equal(sent, read.ToArray());
    }

    [Fact]
    public async Task Many_small_writes_arrive_whole_and_in_order()
    {
        // A batch's PUBACKs: 4 bytes each (type, length, packet id), written one after the other.
        var writes = Enumerable.Range(0, 20_000).Select(i => new byte[] { 0x40, 0x02, (byte)(i >> 8), (byte)i }).ToList();
        foreach (var write in writes) await _stream.WriteAsync(write);

        Assert.Equal(writes.SelectMany(w => w).ToArray(), await PeerReceivesAsync(writes.Count * 4));
    }

    [Fact]
    public async Task A_writer_past_the_queue_limit_waits_for_the_peer_and_nothing_is_lost()
    {
        var block = Enumerable.Range(0, 256 * 1024).Select(i => (byte)i).ToArray();
        var writing = Task.Run(async () => { for (var i = 0; i < 32; i++) await _stream.WriteAsync(block); });

        var received = await PeerReceivesAsync(32 * block.Length);
        await writing.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 32; i++) Assert.True(received.AsSpan(i * block.Length, block.Length).SequenceEqual(block), $"block {i} intact");
    }

    [Fact]
    public async Task When_the_peer_is_gone_reads_end_and_writes_fail()
    {
        _peer.Close();

        Assert.Equal(0, await _stream.ReadAsync(new byte[16]));
        // A queued write fails in the flusher (the peer answers it with a reset); a later write says so.
        var until = DateTime.UtcNow.AddSeconds(10);
        IOException? failure = null;
        while (failure is null && DateTime.UtcNow < until)
        {
            try { await _stream.WriteAsync(new byte[64 * 1024]); await Task.Delay(10); }
            catch (IOException e) { failure = e; }
        }
        Assert.NotNull(failure);
    }

    // Packets as a broker sends them: a QoS 1 PUBLISH (type 3, QoS bits 01) with a two-byte length, so that
    // the length itself can be split between reads; a PINGRESP; a QoS 0 PUBLISH.
    private static byte[] QoS1Publish(int id) => [0x32, 0x85, 0x01, .. Enumerable.Repeat((byte)id, 133)];
    private static readonly byte[] PingResponse = [0xD0, 0x00];
    private static byte[] QoS0Publish(int id) => [0x30, 0x03, 0x00, 0x01, (byte)id];
    private static byte[] PubAck(int id) => [0x40, 0x02, 0x00, (byte)id];

    /// <summary>
    /// Reads as MQTTnet does (the first byte, the length byte by byte, then the body) one whole packet; a blocking
    /// stream's reads on a thread of their own, as the ingestion's are (a held read then holds that thread, not the test).
    /// </summary>
    private Task<byte[]> ReadPacketAsync(CancellationToken cancellationToken = default) =>
        Blocking ? Task.Run(() => ReadWholePacketAsync(cancellationToken), CancellationToken.None) : ReadWholePacketAsync(cancellationToken);

    private async Task<byte[]> ReadWholePacketAsync(CancellationToken cancellationToken)
    {
        var packet = new List<byte>();
        var one = new byte[1];
        async Task<byte> ReadByte() { Assert.Equal(1, await _stream.ReadAsync(one, cancellationToken)); packet.Add(one[0]); return one[0]; }
        await ReadByte();
        int length = 0, shift = 0;
        byte digit;
        do { digit = await ReadByte(); length |= (digit & 0x7F) << shift; shift += 7; } while ((digit & 0x80) != 0);
        var body = new byte[length];
        for (var at = 0; at < length;)
        {
            var read = await _stream.ReadAsync(body.AsMemory(at), cancellationToken);
            Assert.True(read > 0);
            at += read;
        }
        packet.AddRange(body);
        return [.. packet];
    }

    [Fact]
    public async Task No_more_QoS_1_publishes_than_the_window_are_handed_out_before_they_are_acknowledged()
    {
        await ConnectAsync(Window);
        // The broker sends past the window (as Mosquitto does while acknowledgements flow).
        var sent = Enumerable.Range(1, 6).Select(QoS1Publish).ToList();
        await _peer.SendAsync(sent.SelectMany(p => p).ToArray(), SocketFlags.None);

        for (var i = 0; i < Window; i++) Assert.Equal(sent[i], await ReadPacketAsync());
        var fourth = ReadPacketAsync();
        await Assert.ThrowsAsync<TimeoutException>(() => fourth.WaitAsync(TimeSpan.FromMilliseconds(300)));

        await _stream.WriteAsync(PubAck(1));
        Assert.Equal(sent[3], await fourth.WaitAsync(TimeSpan.FromSeconds(10)));
        var fifth = ReadPacketAsync();
        await Assert.ThrowsAsync<TimeoutException>(() => fifth.WaitAsync(TimeSpan.FromMilliseconds(300)));

        // PUBACKs written in one go, and split across writes, count each.
        await _stream.WriteAsync(PubAck(2).Concat(PubAck(3)).ToArray());
        Assert.Equal(sent[4], await fifth.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(sent[5], await ReadPacketAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        var ack = PubAck(4);
        await _stream.WriteAsync(ack.AsMemory(0, 1));
        await _stream.WriteAsync(ack.AsMemory(1));
        var acknowledged = await PeerReceivesAsync(16);
        Assert.Equal(PubAck(1).Concat(PubAck(2)).Concat(PubAck(3)).Concat(ack).ToArray(), acknowledged);
    }

    [Fact]
    public async Task Packets_that_need_no_acknowledgement_pass_a_full_window()
    {
        await ConnectAsync(Window);
        var first = Enumerable.Range(1, Window).Select(QoS1Publish).ToList();
        await _peer.SendAsync(first.SelectMany(p => p).Concat(PingResponse).Concat(QoS0Publish(9)).Concat(QoS1Publish(4)).ToArray(), SocketFlags.None);

        foreach (var packet in first) Assert.Equal(packet, await ReadPacketAsync());
        Assert.Equal(PingResponse, await ReadPacketAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(QoS0Publish(9), await ReadPacketAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        var held = ReadPacketAsync();
        await Assert.ThrowsAsync<TimeoutException>(() => held.WaitAsync(TimeSpan.FromMilliseconds(300)));
        // A packet of ours that is neither a PUBACK nor awaits an answer (a QoS 0 PUBLISH) frees nothing.
        await _stream.WriteAsync(QoS0Publish(7));
        await Assert.ThrowsAsync<TimeoutException>(() => held.WaitAsync(TimeSpan.FromMilliseconds(300)));
        await _stream.WriteAsync(PubAck(1));
        Assert.Equal(QoS1Publish(4), await held.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task While_the_client_awaits_an_answer_publishes_pass_until_the_answer_is_read()
    {
        await ConnectAsync(Window);
        // The answer to the client's own PUBLISH (its PUBACK) comes behind more than the window.
        var before = Enumerable.Range(1, Window + 2).Select(QoS1Publish).ToList();
        await _peer.SendAsync(before.SelectMany(p => p).Concat(PubAck(7)).Concat(QoS1Publish(9)).ToArray(), SocketFlags.None);
        for (var i = 0; i < Window; i++) Assert.Equal(before[i], await ReadPacketAsync());
        var held = ReadPacketAsync();
        await Assert.ThrowsAsync<TimeoutException>(() => held.WaitAsync(TimeSpan.FromMilliseconds(300)));

        // Were they held until it arrives, the client would wait for ever: what it awaits may be what lets it acknowledge them.
        await _stream.WriteAsync(QoS1Publish(7));
        Assert.Equal(before[Window], await held.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(before[Window + 1], await ReadPacketAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(PubAck(7), await ReadPacketAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        // Answered: the window is kept again (five handed out, none acknowledged).
        var after = ReadPacketAsync();
        await Assert.ThrowsAsync<TimeoutException>(() => after.WaitAsync(TimeSpan.FromMilliseconds(300)));
        foreach (var id in new[] { 1, 2, 3 }) await _stream.WriteAsync(PubAck(id));
        Assert.Equal(QoS1Publish(9), await after.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_read_held_by_the_window_ends_when_the_client_gives_up_on_the_connection()
    {
        await ConnectAsync(Window);
        await _peer.SendAsync(Enumerable.Range(1, Window + 1).SelectMany(QoS1Publish).ToArray(), SocketFlags.None);
        for (var i = 0; i < Window; i++) await ReadPacketAsync();

        using var disconnect = new CancellationTokenSource();
        var held = ReadPacketAsync(disconnect.Token);
        disconnect.CancelAfter(200);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}

/// <summary>The same, on the ingestion's blocking socket (<see cref="IngestionConnection"/>).</summary>
public sealed class BlockingCoalescingSocketStreamTests : CoalescingSocketStreamTests
{
    protected override bool Blocking => true;
}
