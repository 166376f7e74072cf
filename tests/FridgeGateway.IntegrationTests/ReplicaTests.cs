using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FrigoCoop.TestSupport;
using MQTTnet;
using MQTTnet.Protocol;

namespace FridgeGateway.IntegrationTests;

/// <summary>
/// Several gateway replicas on one shared subscription, against the real Mosquitto and InfluxDB: one holds
/// the alert session, and killing it (SIGKILL) mid-stream hands the alerts to another with their state.
/// </summary>
[Collection(AlertsAlone.Name)]
public sealed class ReplicaTests
{
    private const int Devices = 12;
    private const int Minutes = 60;

    [Fact]
    public async Task Three_replicas_one_killed_mid_stream_and_restarted_write_every_reading_once_and_raise_and_clear_every_alert_once()
    {
        await using var replicas = await GatewayReplicas.StartAsync(3);
        var holder = await replicas.WaitForOneHolderAsync();
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds()); // the contract's precision
        var notices = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        using var watcher = await WatchAlertsAsync(replicas.DevicePrefix, notices);

        // Each fridge warms from minute 10 to 35: temperature_high is raised at minute 25 (15 minutes above
        // 8 °C) with since = minute 10, and cleared at minute 35. The kill comes while the conditions are
        // building: the successor raises them on time only if it took over when each began.
        var publishing = replicas.PublishAsync(t0);
        await Eventually.Returns(() => replicas.Influx.CountAsync("fridge_reading", "seq", $"device =~ /^{replicas.DevicePrefix}/"),
            n => n >= Devices * 13, TimeSpan.FromSeconds(60), "readings from minute 12 before the kill");
        await replicas.Process(holder).KillAsync();
        var successor = await replicas.WaitForOneHolderAsync(except: holder);
        await replicas.RestartAsync(holder);
        await publishing;

        Assert.Equal(Devices * Minutes, await Eventually.Returns(
            () => replicas.Influx.CountAsync("fridge_reading", "seq", $"device =~ /^{replicas.DevicePrefix}/"),
            n => n >= Devices * Minutes, TimeSpan.FromSeconds(90), $"{Devices * Minutes} readings"));
        IReadOnlyList<Dictionary<string, JsonElement>> alertPoints;
        try
        {
            alertPoints = await Eventually.Returns(
                () => replicas.Influx.RowsAsync($"SELECT state, device FROM alert WHERE device =~ /^{replicas.DevicePrefix}/ AND type = 'temperature_high'"),
                rows => rows.Count >= Devices * 2, TimeSpan.FromSeconds(60), "a raise and a clear for every fridge");
        }
        catch (TimeoutException e) { throw new TimeoutException($"{e.Message}\n{replicas.Outputs()}", e); }
        Assert.Equal(Devices * 2, alertPoints.Count);
        for (var n = 0; n < Devices; n++)
        {
            var device = replicas.Device(n);
            Assert.Equal(["raised", "cleared"], alertPoints.Where(p => p["device"].GetString() == device).Select(p => p["state"].GetString()));
            // The notices may come twice if a holder died between publishing one and acknowledging its message:
            // the same notice, never another raise.
            var distinct = notices.GetValueOrDefault(device, []).Distinct().Order().ToList();
            Assert.Equal([$"cleared {t0.AddMinutes(35):O}", $"raised {t0.AddMinutes(10):O}"], distinct);
        }
        Assert.Equal("standby", await replicas.RoleAsync(holder));
        Assert.Equal("holding", await replicas.RoleAsync(successor));
    }

    /// <summary>Every temperature_high notice of these devices, as "state since".</summary>
    private static async Task<IMqttClient> WatchAlertsAsync(string devicePrefix, ConcurrentDictionary<string, ConcurrentBag<string>> notices)
    {
        var client = await Mqtt.ConnectAsGatewayAsync();
        client.ApplicationMessageReceivedAsync += e =>
        {
            var device = e.ApplicationMessage.Topic.Split('/')[3];
            if (!device.StartsWith(devicePrefix, StringComparison.Ordinal) || e.ApplicationMessage.Payload.Length == 0) return Task.CompletedTask;
            var body = JsonSerializer.Deserialize<JsonElement>(e.ApplicationMessage.ConvertPayloadToString());
            var since = DateTimeOffset.Parse(body.GetProperty("since").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            notices.GetOrAdd(device, _ => []).Add($"{body.GetProperty("state").GetString()} {since:O}");
            return Task.CompletedTask;
        };
        await client.SubscribeAsync("coop/v1/alerts/+/temperature_high", MqttQualityOfServiceLevel.AtLeastOnce);
        return client;
    }

    private sealed class GatewayReplicas : IAsyncDisposable
    {
        private readonly string _name = Guid.NewGuid().ToString("N")[..12];
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
        private readonly List<(AppProcess Process, int Port)> _replicas = [];
        private IMqttClient? _publisher;

        public InfluxQuery Influx { get; }
        public string Database => $"it_{_name}";
        public string AlertSession => $"gateway:it-{_name}-alerts";
        public string DevicePrefix => $"fridge-it{_name[..6]}-";
        public string Device(int n) => $"{DevicePrefix}{n:D3}";

        private GatewayReplicas() => Influx = new InfluxQuery(LocalServices.Current.InfluxUrl, Database);

        public static async Task<GatewayReplicas> StartAsync(int count)
        {
            var replicas = new GatewayReplicas();
            await replicas.Influx.ExecuteAsync($"CREATE DATABASE {replicas.Database}");
            for (var i = 0; i < count; i++)
            {
                var port = AppProcess.FreePort();
                var environment = GatewayHarness.Environment($"gateway:it-{replicas._name}-{i}", $"it-{replicas._name}", port,
                    LocalServices.Current.InfluxUrl, replicas.Database, Path.Combine(Path.GetTempPath(), $"gw-{replicas._name}-{i}"));
                environment["Mqtt__AlertSession"] = replicas.AlertSession;
                environment["Mqtt__KeepAliveSeconds"] = "2"; // a dead holder's will comes within 3 s
                // A window far smaller than what waits in the alert session while its holder is dead: the successor
                // must take the state over and go on with more waiting than it may receive unacknowledged.
                environment["Mqtt__ReceiveMaximum"] = "8";
                environment["Alerts__Fridge__ReportingInterval"] = "1.00:00:00"; // the readings are two hours old: no offline alerts here
                replicas._replicas.Add((AppProcess.Start("src/FridgeGateway", "FridgeGateway", environment), port));
            }
            for (var i = 0; i < count; i++) await replicas.WaitUntilReadyAsync(i);
            return replicas;
        }

        public AppProcess Process(int i) => _replicas[i].Process;

        public async Task RestartAsync(int i)
        {
            _replicas[i].Process.Restart();
            await WaitUntilReadyAsync(i);
        }

        /// <summary>"holding", "standby", or null while not ready.</summary>
        public async Task<string?> RoleAsync(int i)
        {
            if (_replicas[i].Process.HasExited) return null;
            try
            {
                using var response = await _http.GetAsync($"http://127.0.0.1:{_replicas[i].Port}/readyz");
                if (!response.IsSuccessStatusCode) return null;
                return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("alerts").GetString();
            }
            catch (HttpRequestException) { return null; }
        }

        /// <summary>Waits until exactly one replica (other than <paramref name="except"/>) holds the alert session.</summary>
        public async Task<int> WaitForOneHolderAsync(int except = -1)
        {
            var roles = await Eventually.Returns(async () =>
            {
                var all = new List<string?>();
                for (var i = 0; i < _replicas.Count; i++) all.Add(i == except ? null : await RoleAsync(i));
                return all;
            }, all => all.Count(r => r == "holding") == 1, TimeSpan.FromSeconds(60), "one replica to hold the alert session:\n" + Outputs());
            return roles.IndexOf("holding");
        }

        public async Task PublishAsync(DateTimeOffset t0)
        {
            _publisher ??= await Mqtt.ConnectAsSimulatorAsync($"sim-it-{_name}");
            for (var minute = 0; minute < Minutes; minute++)
            {
                var tempC = minute is >= 10 and < 35 ? 9.5 : 4.0;
                for (var n = 0; n < Devices; n++)
                {
                    var result = await _publisher.PublishAsync(new MqttApplicationMessageBuilder()
                        .WithTopic($"coop/v1/fridges/{Device(n)}/telemetry")
                        .WithPayload(Encoding.UTF8.GetBytes(GatewayHarness.Reading(minute + 1, t0.AddMinutes(minute), tempC)))
                        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                    Assert.True(result.IsSuccess, $"publish refused: {result.ReasonCode}");
                }
                // A stream, not a burst: the kill lands while it flows.
                await Task.Delay(100);
            }
        }

        private async Task WaitUntilReadyAsync(int i) =>
            await Eventually.Holds(async () =>
            {
                if (_replicas[i].Process.HasExited) throw new GiveUpException($"replica {i} exited:\n" + _replicas[i].Process.Output);
                return await RoleAsync(i) is not null;
            }, TimeSpan.FromSeconds(30), $"replica {i} to be ready:\n" + _replicas[i].Process.Output);

        public string Outputs() => string.Join("\n", _replicas.Select((r, i) => $"--- replica {i}:\n{Tail(r.Process.Output)}"));

        private static string Tail(string text) => text.Length <= 3000 ? text : text[^3000..];

        public async ValueTask DisposeAsync()
        {
            foreach (var (process, _) in _replicas) await process.KillAsync();
            foreach (var (process, _) in _replicas) await Mqtt.ForgetSessionAsync(process.Environment["Mqtt__ClientId"]);
            await Mqtt.ForgetSessionAsync(AlertSession);
            // The retained alert states and announcement of this run's session: nobody else reads them.
            using (var cleaner = await Mqtt.ConnectAsGatewayAsync())
            {
                var topics = Enumerable.Range(0, Devices).Select(n => $"coop/v1/gateway/alert-session/{AlertSession}/state/{Device(n)}")
                    .Append($"coop/v1/gateway/alert-session/{AlertSession}/owner");
                foreach (var topic in topics)
                    await cleaner.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Array.Empty<byte>()).WithRetainFlag()
                        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                await cleaner.DisconnectAsync();
            }
            if (_publisher is not null) { await _publisher.DisconnectAsync(); _publisher.Dispose(); }
            try { await Influx.ExecuteAsync($"DROP DATABASE {Database}"); } catch (Exception) { }
            Influx.Dispose();
            _http.Dispose();
            for (var i = 0; i < _replicas.Count; i++)
            {
                var spool = Path.Combine(Path.GetTempPath(), $"gw-{_name}-{i}");
                if (Directory.Exists(spool)) Directory.Delete(spool, recursive: true);
            }
        }
    }
}
