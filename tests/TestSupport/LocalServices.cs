using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace FrigoCoop.TestSupport;

/// <summary>
/// The connection settings of the services that <c>scripts/services up</c> starts. They come from the
/// environment (<c>eval "$(scripts/services env)"</c>, as <c>scripts/test</c> does) or, when a test is run
/// straight from an IDE, from asking the script itself, so ports are named in one place only.
/// </summary>
public sealed class LocalServices
{
    private static readonly Lazy<LocalServices> Instance = new(Load);
    private readonly IReadOnlyDictionary<string, string> _settings;

    private LocalServices(IReadOnlyDictionary<string, string> settings) => _settings = settings;

    public static LocalServices Current => Instance.Value;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public string this[string key] => _settings.TryGetValue(key, out var value)
        ? value
        : throw new InvalidOperationException($"Setting {key} is missing: run `scripts/services up` and `eval \"$(scripts/services env)\"`.");

    public string PostgresConnectionString => this["ConnectionStrings__Inventory"];
    public string MqttHost => this["Mqtt__Host"];
    /// <summary>The services' listener (gateway, simulator account).</summary>
    public int MqttPort => int.Parse(this["Mqtt__Port"]);
    /// <summary>The devices' listener (each device's own account; client id = username).</summary>
    public int DeviceMqttPort => int.Parse(this["Simulator__DevicePort"]);
    public string GatewayMqttUser => this["Mqtt__Username"];
    public string GatewayMqttPassword => this["Mqtt__Password"];
    public string SimulatorMqttUser => this["Simulator__Username"];
    public string SimulatorMqttPassword => this["Simulator__Password"];
    public Uri InfluxUrl => new(this["Influx__Url"]);
    public string InfluxDatabase => this["Influx__Database"];

    /// <summary>The broker password of a provisioned device, from the local file of <c>id:password</c> lines scripts/services keeps.</summary>
    public string DevicePassword(string deviceId)
    {
        foreach (var line in File.ReadLines(this["Simulator__DevicePasswords"]))
            if (line.StartsWith(deviceId + ":", StringComparison.Ordinal)) return line[(deviceId.Length + 1)..];
        throw new InvalidOperationException($"device {deviceId} is not provisioned: add it to deploy/mosquitto/devices or run `scripts/services add-devices {deviceId}`");
    }

    /// <summary>A service that does not answer is a failed test whose message says what to start.</summary>
    public static InvalidOperationException NotRunning(string service, Exception inner) =>
        new($"{service} is not reachable: start the local services with `scripts/services up` (the README's test command does). {inner.Message}", inner);

    private static LocalServices Load()
    {
        var settings = new Dictionary<string, string>();
        var fromEnvironment = Environment.GetEnvironmentVariable("Mqtt__Host") is not null;
        if (fromEnvironment)
        {
            foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
                settings[(string)entry.Key] = (string)entry.Value!;
            return new LocalServices(settings);
        }

        foreach (var line in RunServicesScript("env").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // export Key='value'
            var body = line.StartsWith("export ", StringComparison.Ordinal) ? line[7..] : line;
            var eq = body.IndexOf('=');
            if (eq <= 0) continue;
            settings[body[..eq]] = body[(eq + 1)..].Trim('\'');
        }
        return new LocalServices(settings);
    }

    public static string RunServicesScript(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot, "scripts", "services"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"scripts/services {string.Join(' ', arguments)} failed: {error}");
        return output;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FrigoCoop.slnx")))
                return dir.FullName;
        throw new InvalidOperationException("FrigoCoop.slnx not found above " + AppContext.BaseDirectory);
    }
}
