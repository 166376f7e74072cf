using FirmwareSim.Wire;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace FirmwareSim.Devices;

/// <summary>
/// A device's MQTT connection, as firmware on festival Wi-Fi keeps it: its own client id and
/// credentials, a will that says <c>offline</c>, a retained <c>online</c> on connect, QoS 1, and a
/// bounded offline buffer sent in order (with the original ts and seq) once the network is back.
/// </summary>
public sealed class DeviceLink(DeviceSpec spec, BrokerSettings broker, int bufferLimit = 5000) : IAsyncDisposable
{
    private IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly Queue<Outgoing> _buffer = new();

    public long Published { get; private set; }
    public long Refused { get; private set; }
    public long DroppedFromBuffer { get; private set; }
    public int Buffered => _buffer.Count;
    public bool Connected => !_dropped && _client.IsConnected;
    private bool _dropped;

    public async Task ConnectAsync(CancellationToken ct)
    {
        if (Connected) return;
        _client.Dispose();
        _dropped = false;
        _client = new MqttClientFactory().CreateMqttClient();
        var status = spec.Topic("status");
        var (username, password) = broker.CredentialsFor(spec.Id);
        var options = broker.Server(new MqttClientOptionsBuilder())
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(spec.Id)
            .WithCredentials(username, password)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .WithWillTopic(status).WithWillPayload("offline"u8.ToArray()).WithWillRetain().WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await _client.ConnectAsync(options, ct);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
            throw new InvalidOperationException($"{spec.Id}: broker refused the connection ({result.ResultCode})");
        await PublishNowAsync(new Outgoing(status, "online"u8.ToArray(), Retain: true), ct);
    }

    /// <summary>Drops the connection without a DISCONNECT, as a lost network does (the broker then sends the will).</summary>
    public Task DropAsync()
    {
        _dropped = true;
        _client.Dispose();
        return Task.CompletedTask;
    }

    public async Task SendAsync(IEnumerable<Outgoing> messages, bool networkUp, CancellationToken ct)
    {
        foreach (var message in messages)
        {
            _buffer.Enqueue(message);
            if (_buffer.Count > bufferLimit) { _buffer.Dequeue(); DroppedFromBuffer++; } // a ring buffer: the oldest go first
        }
        if (!networkUp || !Connected) return;
        while (_buffer.Count > 0)
        {
            await PublishNowAsync(_buffer.Peek(), ct);
            _buffer.Dequeue();
        }
    }

    public async Task PublishNowAsync(Outgoing message, CancellationToken ct)
    {
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(message.Topic).WithPayload(message.Payload).WithRetainFlag(message.Retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
        if (result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers) Published++;
        else Refused++;
    }

    /// <summary>
    /// Disconnects cleanly without saying offline (no will either): a season replay's end is not the device's, and the
    /// gateways would stamp that status with the day the replay runs.
    /// </summary>
    public async Task LeaveQuietlyAsync()
    {
        if (Connected) await _client.DisconnectAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Connected)
        {
            await PublishNowAsync(new Outgoing(spec.Topic("status"), "offline"u8.ToArray(), Retain: true), CancellationToken.None);
            await _client.DisconnectAsync();
        }
        _client.Dispose();
    }
}

/// <summary>Where the broker is and how devices authenticate (Mqtt__* and Simulator__* settings).</summary>
public sealed record BrokerSettings(string Host, int Port, IReadOnlyDictionary<string, string>? DevicePasswords, string? SharedUsername, string? SharedPassword, bool Tls = false)
{
    /// <summary>The broker's address, over TLS when <c>Mqtt__Tls</c> says so (the production devices' listener).</summary>
    public MqttClientOptionsBuilder Server(MqttClientOptionsBuilder options)
    {
        options.WithTcpServer(Host, Port);
        return Tls ? options.WithTlsOptions(o => o.UseTls()) : options;
    }

    /// <summary>
    /// Each device's own credentials (username = device id, its own random password from the file of
    /// <c>id:password</c> lines that provisioning wrote, as real firmware has its own in flash), or the
    /// simulator's shared account in load mode.
    /// </summary>
    public (string Username, string Password) CredentialsFor(string deviceId)
    {
        if (DevicePasswords is not null)
            return (deviceId, DevicePasswords.TryGetValue(deviceId, out var password) ? password
                : throw new InvalidOperationException($"device {deviceId} has no password in Simulator__DevicePasswords: provision it (scripts/services add-devices {deviceId})"));
        return (SharedUsername ?? throw new InvalidOperationException("set Simulator__DevicePasswords (device credentials) or Simulator__Username/Password"), SharedPassword ?? "");
    }

    /// <summary>Reads a file of <c>id:password</c> lines.</summary>
    public static IReadOnlyDictionary<string, string> ReadPasswords(string path) =>
        File.ReadLines(path).Select(line => line.Split(':', 2)).Where(p => p.Length == 2 && p[0].Length > 0)
            .GroupBy(p => p[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);

    public static BrokerSettings FromEnvironment(bool sharedAccount)
    {
        string Env(string key) => Environment.GetEnvironmentVariable(key) ?? "";
        var host = Env("Mqtt__Host");
        if (host.Length == 0) throw new InvalidOperationException("Mqtt__Host is not set: run `eval \"$(scripts/services env)\"` first");
        if (!int.TryParse(Env("Mqtt__Port"), out var port)) port = 1883;
        // Devices with their own accounts connect on the devices' listener when it is a port of its own.
        var passwordsFile = sharedAccount ? "" : Env("Simulator__DevicePasswords");
        var passwords = passwordsFile.Length > 0 ? ReadPasswords(passwordsFile) : null;
        if (passwords is not null && int.TryParse(Env("Simulator__DevicePort"), out var devicePort)) port = devicePort;
        return new BrokerSettings(host, port, passwords, Env("Simulator__Username"), Env("Simulator__Password"), Tls: bool.TryParse(Env("Mqtt__Tls"), out var tls) && tls);
    }
}
