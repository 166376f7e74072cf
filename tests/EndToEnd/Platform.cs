using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;

namespace EndToEnd;

/// <summary>
/// The whole platform as real processes: the inventory API on a PostgreSQL database of its own, the
/// gateway on an InfluxDB database of its own, both against the real Mosquitto, and the simulator.
/// </summary>
public sealed class Platform : IAsyncDisposable
{
    private readonly TestDatabase _postgres;
    private readonly string _spool = Path.Combine(Path.GetTempPath(), $"e2e-spool-{Guid.NewGuid():N}");
    private readonly string _simState = Path.Combine(Path.GetTempPath(), $"e2e-sim-{Guid.NewGuid():N}");
    private IMqttClient? _deadLetterWatcher;

    private Platform(TestDatabase postgres, InfluxQuery influx, int apiPort, int gatewayPort)
    {
        _postgres = postgres;
        Influx = influx;
        ApiUrl = $"http://127.0.0.1:{apiPort}";
        GatewayPort = gatewayPort;
    }

    public InfluxQuery Influx { get; }
    public string ApiUrl { get; }
    public int GatewayPort { get; }
    public AppProcess Api { get; private set; } = null!;
    public AppProcess Gateway { get; private set; } = null!;
    public HttpClient Lead { get; private set; } = null!;
    public ConcurrentQueue<JsonElement> DeadLetters { get; } = new();
    public string PostgresConnectionString => _postgres.ConnectionString;
    public string LeadPassword { get; private set; } = "";
    /// <summary>The gateway's API key (device reports, alerts).</summary>
    public string GatewayKey { get; private set; } = "";
    public string BrewerPassword { get; } = Guid.NewGuid().ToString("N");

    public static async Task<Platform> StartAsync()
    {
        var postgres = await TestDatabase.CreateAsync("e2e");
        var influxDatabase = $"e2e_{Guid.NewGuid():N}"[..16];
        var influx = new InfluxQuery(LocalServices.Current.InfluxUrl, influxDatabase);
        await influx.ExecuteAsync($"CREATE DATABASE {influxDatabase}");
        var platform = new Platform(postgres, influx, AppProcess.FreePort(), AppProcess.FreePort());
        await platform.StartAppsAsync();
        return platform;
    }

    private async Task StartAppsAsync()
    {
        var services = LocalServices.Current;
        var apiEnvironment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Inventory"] = _postgres.ConnectionString,
            ["Influx__Url"] = services.InfluxUrl.ToString(),
            ["Influx__Database"] = Influx.Database,
            ["Urls"] = ApiUrl,
            // Mail through the services' smtp4dev (scripts/services env), grouped over 2 s instead of 3 min.
            ["Notifications__DigestWindow"] = "00:00:02",
            // Mails link to the pages they name (a password reset's, an address's confirmation).
            ["Notifications__DashboardUrl"] = ApiUrl,
        };
        // Devices provisioned from /appareils: the broker's dynamic security plugin, as scripts/services sets it up.
        foreach (var key in new[] { "ControlHost", "ControlPort", "Username", "Password", "DeviceHost", "DevicePort", "DeviceTls" })
            apiEnvironment[$"Broker__{key}"] = services[$"Broker__{key}"];
        await RunToEndAsync("src/Inventory.Api", "Inventory.Api", apiEnvironment, "admin", "demo-data");
        var gatewayKey = GatewayKey = (await RunToEndAsync("src/Inventory.Api", "Inventory.Api", apiEnvironment, "admin", "create-key", "--role", "gateway", "--name", "e2e")).Trim().Split('\n')[^1];
        var leadPassword = LeadPassword = Guid.NewGuid().ToString("N");
        await RunToEndAsync("src/Inventory.Api", "Inventory.Api", apiEnvironment, "admin", "create-user", "--username", "lea", "--name", "Léa", "--role", "lead", "--password", leadPassword);
        await RunToEndAsync("src/Inventory.Api", "Inventory.Api", apiEnvironment, "admin", "create-user", "--username", "felix", "--name", "Félix", "--role", "brewer", "--brewery", "saint-fut", "--password", BrewerPassword);

        Api = AppProcess.Start("src/Inventory.Api", "Inventory.Api", apiEnvironment);
        await WaitReadyAsync(Api, $"{ApiUrl}/readyz");
        Lead = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(ApiUrl) };
        (await Lead.PostAsJsonAsync("/api/v1/auth/sign-in", new { username = "lea", password = leadPassword })).EnsureSuccessStatusCode();

        var id = Guid.NewGuid().ToString("N")[..10];
        Gateway = AppProcess.Start("src/FridgeGateway", "FridgeGateway", new Dictionary<string, string>
        {
            ["Urls"] = $"http://127.0.0.1:{GatewayPort}",
            ["Mqtt__Host"] = services.MqttHost,
            ["Mqtt__Port"] = services.MqttPort.ToString(CultureInfo.InvariantCulture),
            ["Mqtt__Username"] = services.GatewayMqttUser,
            ["Mqtt__Password"] = services.GatewayMqttPassword,
            ["Mqtt__ClientId"] = $"gateway:e2e-{id}",
            ["Mqtt__SharedGroup"] = $"e2e-{id}",
            ["Mqtt__SessionExpirySeconds"] = "120",
            ["Influx__Url"] = services.InfluxUrl.ToString(),
            ["Influx__Database"] = Influx.Database,
            ["Inventory__BaseUrl"] = ApiUrl,
            ["Inventory__ApiKey"] = gatewayKey,
            ["Spool__Directory"] = _spool,
        });
        await WaitReadyAsync(Gateway, $"http://127.0.0.1:{GatewayPort}/readyz");

        _deadLetterWatcher = await Mqtt.ConnectAsGatewayAsync($"e2e-dl-{id}");
        _deadLetterWatcher.ApplicationMessageReceivedAsync += e =>
        {
            DeadLetters.Enqueue(JsonSerializer.Deserialize<JsonElement>(e.ApplicationMessage.ConvertPayloadToString()));
            return Task.CompletedTask;
        };
        await _deadLetterWatcher.SubscribeAsync("coop/v1/gateway/deadletter", MqttQualityOfServiceLevel.AtLeastOnce);
    }

    /// <summary>A festival planned through the API: two kiosks, a device on one, the suggested allocation adopted.</summary>
    public async Task PlanDemoFestivalAsync()
    {
        (await Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code = "festif-demo", name = "Festif démo", site = "Parc portuaire", region = "Mauricie", startsOn = "2027-07-15", endsOn = "2027-07-18",
            expectedAttendance = 3000, breweries = new[] { "saint-fut", "du-quai" },
        })).EnsureSuccessStatusCode();
        foreach (var kiosk in new[] { "k1", "k2" })
            (await Lead.PostAsJsonAsync("/api/v1/festivals/festif-demo/kiosks", new { code = kiosk, name = $"Kiosque {kiosk}" })).EnsureSuccessStatusCode();
        (await Lead.PostAsJsonAsync("/api/v1/festivals/festif-demo/kiosks/k1/devices", new { deviceId = "kiosk-fest-01" })).EnsureSuccessStatusCode();
        var suggested = await Lead.GetFromJsonAsync<JsonElement>("/api/v1/festivals/festif-demo/allocation/suggested");
        (await Lead.PutAsJsonAsync("/api/v1/festivals/festif-demo/allocation", suggested)).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Runs a scenario with the simulator, 10 hours in about 10 seconds, and returns its summary. By default it
    /// replays the scenario's day at its own time of day (the latest such run that has ended: yesterday's, until
    /// today's has); <paramref name="endingNow"/> makes it end a minute ago whatever the hour, for a test that
    /// reads the last 24 hours (a run that ended yesterday at this hour leaves only its last minutes in them).
    /// </summary>
    public async Task<JsonElement> RunScenarioAsync(string scenario, double speed = 3600, bool endingNow = false)
    {
        var file = Path.Combine(LocalServices.RepositoryRoot, "firmware-sim", "scenarios", scenario + ".json");
        string[] when = ["--now"];
        if (endingNow)
        {
            var hours = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement.GetProperty("durationHours").GetDouble();
            when = ["--start", DateTimeOffset.UtcNow.AddHours(-hours).AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture)];
        }
        var services = LocalServices.Current;
        var summary = Path.Combine(_simState, "summary.json");
        Directory.CreateDirectory(_simState);
        var output = await RunToEndAsync("firmware-sim", "firmware-sim", new Dictionary<string, string>
        {
            ["Mqtt__Host"] = services.MqttHost,
            ["Mqtt__Port"] = services.MqttPort.ToString(CultureInfo.InvariantCulture),
            ["Simulator__DevicePasswords"] = services["Simulator__DevicePasswords"],
        }, ["run", file, .. when, "--speed", speed.ToString(CultureInfo.InvariantCulture), "--state", _simState, "--summary", summary]);
        return JsonSerializer.Deserialize<JsonElement>(await File.ReadAllTextAsync(summary));
    }

    /// <summary>A query's rows as text, one line each (what a failing test prints to say what the database held).</summary>
    public async Task<string> RowsAsTextAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(_postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters) command.Parameters.Add(new NpgsqlParameter { Value = value });
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
            lines.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        return string.Join("\n", lines);
    }

    public async Task<long> ScalarAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(_postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, CultureInfo.InvariantCulture);
    }

    private static async Task<string> RunToEndAsync(string project, string assembly, Dictionary<string, string> environment, params string[] arguments)
    {
        await using var app = AppProcess.Start(project, assembly, environment, arguments);
        var code = await app.WaitForExitAsync(TimeSpan.FromMinutes(2));
        if (code != 0) throw new InvalidOperationException($"{assembly} {string.Join(' ', arguments)} exited {code}:\n{app.Output}");
        return app.Output;
    }

    private static async Task WaitReadyAsync(AppProcess app, string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.Holds(async () =>
        {
            if (app.HasExited) throw new GiveUpException($"{app.Assembly} exited:\n{app.Output}");
            return (await http.GetAsync(url)).IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(60), $"{app.Assembly} to be ready at {url}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_deadLetterWatcher is not null) { await _deadLetterWatcher.DisconnectAsync(); _deadLetterWatcher.Dispose(); }
        await Gateway.DisposeAsync();
        await Mqtt.ForgetSessionAsync(Gateway.Environment["Mqtt__ClientId"]);
        await Api.DisposeAsync();
        Lead.Dispose();
        try { await Influx.ExecuteAsync($"DROP DATABASE {Influx.Database}"); } catch (HttpRequestException) { }
        Influx.Dispose();
        await _postgres.DisposeAsync();
        foreach (var dir in new[] { _spool, _simState }) if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}
