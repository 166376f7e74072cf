using System.Net;
using System.Net.Sockets;
using FridgeGateway.Mqtt;

namespace FridgeGateway.UnitTests;

/// <summary>The gateway's broker connection stream, against a real loopback socket as its peer.</summary>
public sealed class CoalescingSocketStreamTests : IAsyncLifetime
{
    private TcpListener _listener = null!;
    private Socket _peer = null!;
    private CoalescingSocketStream _stream = null!;

    public async Task InitializeAsync()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        var accepted = _listener.AcceptSocketAsync();
        _stream = (CoalescingSocketStream)await new CoalescingSocketStreamProvider().ConnectAsync(_listener.LocalEndpoint, CancellationToken.None);
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
}
