using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Inventory.Api.Provisioning;

/// <summary>
/// Where the API reaches the broker's dynamic security plugin (<c>$CONTROL/dynamic-security/v1</c> on the
/// devices' listener, with the plugin's admin account), and the address a device is told to use. Without a
/// host, devices are provisioned the old way (scripts/services add-devices) and the API says so.
/// </summary>
public sealed class BrokerOptions
{
    public const string Section = "Broker";

    /// <summary>The devices' listener as the API reaches it (where the plugin runs).</summary>
    public string? ControlHost { get; set; }
    public int ControlPort { get; set; } = 1883;
    public bool ControlTls { get; set; }
    public string Username { get; set; } = "provisioning.api";
    public string? Password { get; set; }

    /// <summary>The devices' listener as a device reaches it (the public name and TLS port in production).</summary>
    public string? DeviceHost { get; set; }
    public int DevicePort { get; set; } = 8883;
    public bool DeviceTls { get; set; } = true;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(ControlHost);

    public IEnumerable<string> Problems()
    {
        if (!Enabled) yield break;
        if (string.IsNullOrEmpty(Password)) yield return "Broker:Password is required with Broker:ControlHost";
        if (string.IsNullOrWhiteSpace(DeviceHost)) yield return "Broker:DeviceHost is required with Broker:ControlHost (the address a device is given)";
        if (ControlPort is < 1 or > 65535 || DevicePort is < 1 or > 65535) yield return "Broker:ControlPort and Broker:DevicePort must be TCP ports";
        if (Timeout < TimeSpan.FromSeconds(1) || Timeout > TimeSpan.FromMinutes(1)) yield return "Broker:Timeout must be between 00:00:01 and 00:01:00";
    }
}

public sealed class BrokerOptionsValidation : IValidateOptions<BrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, BrokerOptions options) =>
        options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}

/// <summary>The broker refused a change, or did not answer: the device's account is as it was.</summary>
public sealed class BrokerRefusedException(string message) : Exception(message);

/// <summary>
/// Device accounts in the broker, changed while it runs: a device's account is its id and a password, with a
/// role of its own that allows exactly the contract's topics under that id (Mosquitto 2.0's plugin does not
/// substitute <c>%u</c>, so each device has its role, as scripts/services makes them). The broker keeps the
/// password hashed; the API keeps none. A change of password or a revocation disconnects the device at once.
/// </summary>
public sealed class BrokerAccounts(IOptions<BrokerOptions> options, ILogger<BrokerAccounts> log)
{
    private const string ControlTopic = "$CONTROL/dynamic-security/v1";

    /// <summary>The topics a device may publish to: the telemetry contract's, under its own id.</summary>
    public static IReadOnlyList<string> PublishTopics(string deviceId) =>
    [
        $"coop/v1/fridges/{deviceId}/telemetry", $"coop/v1/fridges/{deviceId}/events", $"coop/v1/fridges/{deviceId}/stock",
        $"coop/v1/kiosks/{deviceId}/telemetry", $"coop/v1/kiosks/{deviceId}/events", $"coop/v1/kiosks/{deviceId}/stock", $"coop/v1/kiosks/{deviceId}/sales",
        $"coop/v1/devices/{deviceId}/status",
    ];

    public static string AlertTopics(string deviceId) => $"coop/v1/alerts/{deviceId}/#";

    private static string Role(string deviceId) => $"device:{deviceId}";

    /// <summary>Gives the device an account with this password: made if new, its password replaced if not.</summary>
    public Task SetPasswordAsync(string deviceId, string password, CancellationToken ct)
    {
        var acls = new JsonArray([
            .. PublishTopics(deviceId).Select(t => new JsonObject { ["acltype"] = "publishClientSend", ["topic"] = t, ["allow"] = true }),
            new JsonObject { ["acltype"] = "subscribePattern", ["topic"] = AlertTopics(deviceId), ["allow"] = true }]);
        return SendAsync([
            // Refusals are expected from the first three when the device had an account (its role and client
            // exist, the client holds the role already: the plugin answers "Internal error" for that): the
            // password decides.
            (new JsonObject { ["command"] = "createRole", ["rolename"] = Role(deviceId), ["acls"] = acls }, MayFail: true),
            (new JsonObject { ["command"] = "createClient", ["username"] = deviceId, ["password"] = password, ["roles"] = new JsonArray(new JsonObject { ["rolename"] = Role(deviceId) }) }, MayFail: true),
            (new JsonObject { ["command"] = "addClientRole", ["username"] = deviceId, ["rolename"] = Role(deviceId) }, MayFail: true),
            (new JsonObject { ["command"] = "setClientPassword", ["username"] = deviceId, ["password"] = password }, MayFail: false),
        ], ct);
    }

    /// <summary>Removes the device's account and role: it is disconnected and cannot connect again.</summary>
    public Task RemoveAsync(string deviceId, CancellationToken ct) => SendAsync([
        (new JsonObject { ["command"] = "deleteClient", ["username"] = deviceId }, MayFail: true),
        (new JsonObject { ["command"] = "deleteRole", ["rolename"] = Role(deviceId) }, MayFail: true),
    ], ct);

    private const int Attempts = 5;

    /// <summary>The control connection was lost before the broker answered: taken over by another call, most often.</summary>
    private sealed class ControlConnectionLost(string why) : Exception(why);

    /// <summary>
    /// Sends the commands, again when the control connection was lost before the answer: every call connects
    /// with the provisioning account, whose client id the devices' listener forces to its username, so calls
    /// at the same instant (two replicas, two requests) take each other's connection over. The commands are
    /// made to be sent twice (creations may fail, the password decides).
    /// </summary>
    private async Task SendAsync(IReadOnlyList<(JsonObject Command, bool MayFail)> commands, CancellationToken ct)
    {
        // One call at a time from this process: its own calls never take each other's connection over.
        await _oneAtATime.WaitAsync(ct);
        try { await SendWithRetriesAsync(commands, ct); }
        finally { _oneAtATime.Release(); }
    }

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Another replica's call can still take the connection over: sent again, after a random pause.</summary>
    private async Task SendWithRetriesAsync(IReadOnlyList<(JsonObject Command, bool MayFail)> commands, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SendOnceAsync(commands, ct);
                return;
            }
            catch (ControlConnectionLost e) when (attempt < Attempts)
            {
                log.LogInformation("Broker control connection lost before the answer ({Why}); attempt {Attempt} of {Attempts}", e.Message, attempt, Attempts);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 150) * attempt), ct);
            }
            catch (ControlConnectionLost e)
            {
                log.LogWarning("Broker control connection at {Host}:{Port} lost {Attempts} times: {Why}", options.Value.ControlHost, options.Value.ControlPort, Attempts, e.Message);
                throw new BrokerRefusedException("the broker cannot be reached");
            }
        }
    }

    private async Task SendOnceAsync(IReadOnlyList<(JsonObject Command, bool MayFail)> commands, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.Enabled) throw new InvalidOperationException("the broker is not configured (Broker:ControlHost)");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(o.Timeout);
        var correlation = Guid.NewGuid().ToString("N");
        for (var i = 0; i < commands.Count; i++) commands[i].Command["correlationData"] = $"{correlation}:{i}";

        using var client = new MqttClientFactory().CreateMqttClient();
        var answered = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            try
            {
                var answer = JsonDocument.Parse(e.ApplicationMessage.Payload.ToArray()).RootElement.Clone();
                if (answer.TryGetProperty("responses", out var responses) && responses.EnumerateArray().Any(r => r.TryGetProperty("correlationData", out var c) && c.GetString()?.StartsWith(correlation, StringComparison.Ordinal) == true))
                    answered.TrySetResult(answer);
            }
            catch (JsonException) { /* not ours */ }
            return Task.CompletedTask;
        };
        client.DisconnectedAsync += e =>
        {
            answered.TrySetException(new ControlConnectionLost(e.Reason.ToString()));
            return Task.CompletedTask;
        };
        var connect = new MqttClientOptionsBuilder().WithTcpServer(o.ControlHost, o.ControlPort).WithCredentials(o.Username, o.Password)
            .WithClientId(o.Username).WithCleanStart().WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500);
        if (o.ControlTls) connect.WithTlsOptions(t => t.UseTls());
        try
        {
            var connected = await client.ConnectAsync(connect.Build(), timeout.Token);
            if (connected.ResultCode != MqttClientConnectResultCode.Success) throw new BrokerRefusedException($"the broker refused the provisioning account: {connected.ResultCode}");
            await client.SubscribeAsync(ControlTopic + "/response", MqttQualityOfServiceLevel.AtLeastOnce, timeout.Token);
            // Copies: a node has one parent, and a retry sends the commands again.
            var body = new JsonObject { ["commands"] = new JsonArray([.. commands.Select(c => c.Command.DeepClone())]) };
            var published = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(ControlTopic).WithPayload(body.ToJsonString())
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), timeout.Token);
            if (!published.IsSuccess) throw new BrokerRefusedException($"the broker refused the command: {published.ReasonCode}");
            var responses = (await answered.Task.WaitAsync(timeout.Token)).GetProperty("responses").EnumerateArray().ToList();
            for (var i = 0; i < commands.Count; i++)
            {
                var response = responses.FirstOrDefault(r => r.TryGetProperty("correlationData", out var c) && c.GetString() == $"{correlation}:{i}");
                if (response.ValueKind != JsonValueKind.Object) throw new BrokerRefusedException($"the broker did not answer {commands[i].Command["command"]}");
                if (response.TryGetProperty("error", out var error) && !commands[i].MayFail)
                    throw new BrokerRefusedException($"{commands[i].Command["command"]}: {error.GetString()}");
            }
            await client.DisconnectAsync(cancellationToken: CancellationToken.None);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new BrokerRefusedException($"the broker did not answer within {o.Timeout.TotalSeconds:0} s");
        }
        // Unreachable, or taken over mid-call (MQTTnet answers with one of several exceptions): the connection is gone.
        catch (Exception e) when (!client.IsConnected && e is not (ControlConnectionLost or BrokerRefusedException) && !ct.IsCancellationRequested)
        {
            throw new ControlConnectionLost($"{e.GetType().Name}: {e.Message}");
        }
    }
}
