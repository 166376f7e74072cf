using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FrigoCoop.TestSupport;
using MQTTnet;
using MQTTnet.Protocol;

namespace FridgeGateway.IntegrationTests;

/// <summary>
/// A real gateway process between the real Mosquitto and a database of its own in the real InfluxDB
/// (reached through a <see cref="TcpGate"/> so a test can cut it). Each harness has its own shared
/// subscription group, client id, spool and device ids, so tests do not see each other's data.
/// </summary>
public sealed class GatewayHarness : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private IMqttClient? _publisher;

    private GatewayHarness(string name)
    {
        Name = name;
        Database = $"it_{name}";
        SpoolDirectory = Path.Combine(Path.GetTempPath(), $"gw-{name}");
        InfluxGate = new TcpGate(LocalServices.Current.InfluxUrl);
        Influx = new InfluxQuery(LocalServices.Current.InfluxUrl, Database);
        Port = AppProcess.FreePort();
    }

    public string Name { get; }
    public string Database { get; }
    public string SpoolDirectory { get; }
    public TcpGate InfluxGate { get; }
    public InfluxQuery Influx { get; }
    public int Port { get; }
    public AppProcess Gateway { get; private set; } = null!;

    public static async Task<GatewayHarness> StartAsync(Dictionary<string, string>? settings = null)
    {
        var harness = new GatewayHarness(Guid.NewGuid().ToString("N")[..12]);
        await harness.Influx.ExecuteAsync($"CREATE DATABASE {harness.Database}");
        var environment = Environment($"gateway:it-{harness.Name}", $"it-{harness.Name}", harness.Port, harness.InfluxGate.Url, harness.Database, harness.SpoolDirectory);
        foreach (var (key, value) in settings ?? []) environment[key] = value;
        harness.Gateway = AppProcess.Start("src/FridgeGateway", "FridgeGateway", environment);
        await harness.WaitUntilReadyAsync();
        return harness;
    }

    /// <summary>What a gateway process of the tests runs with: the local services, its own client id, group, port, database and spool.</summary>
    public static Dictionary<string, string> Environment(string clientId, string sharedGroup, int port, Uri influxUrl, string database, string spoolDirectory)
    {
        var services = LocalServices.Current;
        return new Dictionary<string, string>
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Mqtt__Host"] = services.MqttHost,
            ["Mqtt__Port"] = services.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt__Username"] = services.GatewayMqttUser,
            ["Mqtt__Password"] = services.GatewayMqttPassword,
            ["Mqtt__ClientId"] = clientId,
            ["Mqtt__SharedGroup"] = sharedGroup,
            ["Mqtt__SessionExpirySeconds"] = "120",
            ["Influx__Url"] = influxUrl.ToString(),
            ["Influx__Database"] = database,
            ["Spool__Directory"] = spoolDirectory,
            ["Resilience__AttemptTimeout"] = "00:00:02",
            ["Resilience__BreakDuration"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Information",
            ["Inventory__BaseUrl"] = "", // forwarding off unless a test turns it on
        };
    }

    public async Task WaitUntilReadyAsync()
    {
        await Eventually.Holds(async () =>
        {
            if (Gateway.HasExited) throw new GiveUpException("gateway exited:\n" + Gateway.Output);
            var response = await _http.GetAsync($"http://127.0.0.1:{Port}/readyz");
            return response.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(30), "the gateway to be ready:\n" + Gateway.Output);
    }

    /// <summary>GET on the gateway's own HTTP port: status and body (for /healthz, /readyz, /metrics).</summary>
    public async Task<(int Status, string Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync($"http://127.0.0.1:{Port}{path}");
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<long> SpooledBytesAsync()
    {
        var ready = await _http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{Port}/readyz");
        return ready.GetProperty("spooled").EnumerateObject().Sum(p => p.Value.GetInt64());
    }

    public async Task RestartAsync()
    {
        Gateway.Restart();
        await WaitUntilReadyAsync();
    }

    public async Task PublishAsync(string topic, string payload) => await PublishAsync(topic, Encoding.UTF8.GetBytes(payload));

    public async Task PublishAsync(string topic, byte[] payload)
    {
        _publisher ??= await Mqtt.ConnectAsSimulatorAsync($"sim-it-{Name}");
        var result = await _publisher.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        if (result.ReasonCode != MqttClientPublishReasonCode.Success && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
            throw new InvalidOperationException($"publish to {topic} refused: {result.ReasonCode}");
    }

    /// <summary>A device id unique to this harness.</summary>
    public string Device(string kind, int n) => $"{kind}-it{Name[..6]}-{n:D3}";

    public static string Reading(long seq, DateTimeOffset ts, double tempC, string extra = "") =>
        $$"""{"seq":{{seq}},"ts":"{{ts.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}","tempC":{{tempC.ToString(System.Globalization.CultureInfo.InvariantCulture)}}{{extra}}}""";

    public Task<long> CountAsync(string measurement, string devicePrefix) =>
        Influx.CountAsync(measurement, "seq", $"device =~ /^{devicePrefix}/");

    public async Task<long> WaitForCountAsync(string measurement, string devicePrefix, long expected, TimeSpan? timeout = null) =>
        await Eventually.Returns(() => CountAsync(measurement, devicePrefix), n => n >= expected, timeout ?? TimeSpan.FromSeconds(60),
            $"{expected} {measurement} points of {devicePrefix}* (gateway output:\n{Tail(Gateway.Output)})");

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    public async ValueTask DisposeAsync()
    {
        await Gateway.KillAsync();
        await Mqtt.ForgetSessionAsync(Gateway.Environment["Mqtt__ClientId"]);
        if (_publisher is not null) { await _publisher.DisconnectAsync(); _publisher.Dispose(); }
        await InfluxGate.DisposeAsync();
        try { await Influx.ExecuteAsync($"DROP DATABASE {Database}"); } catch (Exception) { }
        Influx.Dispose();
        _http.Dispose();
        if (Directory.Exists(SpoolDirectory)) Directory.Delete(SpoolDirectory, recursive: true);
    }
}
