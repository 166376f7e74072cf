using System.Net;
using System.Net.Sockets;

namespace FrigoCoop.TestSupport;

/// <summary>
/// A TCP forwarder in front of a real service, which a test can close (connections cut, new ones
/// refused) and open again: a network outage of that one service, without stopping it for other tests.
/// </summary>
public sealed class TcpGate : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _connections = [];
    private readonly Lock _gate = new();
    private TcpListener? _listener;
    private CancellationTokenSource _cts = new();

    public TcpGate(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host == "localhost" ? "127.0.0.1" : target.Host), target.Port);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Open();
    }

    public int Port { get; }
    public Uri Url => new($"http://127.0.0.1:{Port}");

    public void Open()
    {
        lock (_gate)
        {
            if (_listener is not null) return;
            _cts = new CancellationTokenSource();
            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _ = AcceptLoop(_listener, _cts.Token);
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            _cts.Cancel();
            _listener?.Stop();
            _listener = null;
            foreach (var connection in _connections) connection.Dispose();
            _connections.Clear();
        }
    }

    private async Task AcceptLoop(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(ct); }
            catch (Exception) { return; }
            var upstream = new TcpClient();
            try { await upstream.ConnectAsync(_target, ct); }
            catch (Exception) { client.Dispose(); upstream.Dispose(); continue; }
            lock (_gate) { _connections.Add(client); _connections.Add(upstream); }
            _ = Pump(client, upstream, ct);
            _ = Pump(upstream, client, ct);
        }
    }

    private static async Task Pump(TcpClient from, TcpClient to, CancellationToken ct)
    {
        try { await from.GetStream().CopyToAsync(to.GetStream(), ct); }
        catch (Exception) { }
        finally { from.Dispose(); to.Dispose(); }
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}
