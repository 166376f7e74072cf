using Microsoft.Extensions.Options;
using MQTTnet;

namespace FridgeGateway.Mqtt;

public sealed class MqttOptions
{
    public const string Section = "Mqtt";
    public string? Host { get; set; }
    public int Port { get; set; } = 1883;
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>
    /// Stable per replica: the broker keeps this client's session (and its queued messages) under it. It may
    /// never be a valid device id (a device's client id is its username), hence the <c>gateway:</c> form.
    /// </summary>
    public string ClientId { get; set; } = "gateway:fridge-gateway-1";
    public uint SessionExpirySeconds { get; set; } = 7 * 24 * 3600;
    /// <summary>Unacknowledged messages the broker may send at once: the gateway's bound on in-flight work.</summary>
    public ushort ReceiveMaximum { get; set; } = 10_000;
    /// <summary>MQTT 5 shared subscription group; empty subscribes without sharing.</summary>
    public string SharedGroup { get; set; } = "fridge-gateway";
    /// <summary>
    /// Several replicas: the client id of the one alert session they take turns holding (<see cref="AlertOwnership"/>).
    /// Empty (one gateway): alerts are evaluated on the ingestion's own subscription.
    /// </summary>
    public string AlertSession { get; set; } = "";
    public int KeepAliveSeconds { get; set; } = 30;
    /// <summary>
    /// After a short read of the ingestion's socket (a few messages), how long its thread sleeps before reading again, so
    /// that a paced load's messages are read a handful at a time rather than each burst waking it: latency traded for
    /// cost, like <c>Batch:MaxDelay</c> (docs/benchmarks.md, "The gateway's cost at paced loads"). 0 reads at once.
    /// </summary>
    public TimeSpan ReadLinger { get; set; } = TimeSpan.FromMilliseconds(10);
    public int MaxReconnectDelaySeconds { get; set; } = 30;

    /// <summary>
    /// A connection of the gateway's to the broker, as every one of them is made (MQTT 5, this account, keep-alive,
    /// a 10 s timeout): the ingestion's, and with several replicas the alert session's and its watcher's.
    /// </summary>
    public MqttClientOptionsBuilder Connection(string clientId, bool cleanStart)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(Host, Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(cleanStart)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (!string.IsNullOrEmpty(Username)) builder.WithCredentials(Username, Password);
        return builder;
    }

    /// <summary>
    /// A persistent session that receives device traffic (the ingestion's, the alert session's): what it misses while
    /// away waits in the broker, and the receive window it announces is the one its socket keeps
    /// (<see cref="CoalescingSocketStream"/>), so the two can never differ.
    /// </summary>
    /// <param name="blocking">Its socket read by a thread of its own (<see cref="IngestionConnection"/>), not MQTTnet's client.</param>
    public MqttClientOptionsBuilder PersistentSession(string clientId, bool blocking = false) => Connection(clientId, cleanStart: false)
        .WithStreamProvider(new CoalescingSocketStreamProvider(ReceiveMaximum, blocking, blocking ? ReadLinger : TimeSpan.Zero))
        .WithSessionExpiryInterval(SessionExpirySeconds)
        .WithReceiveMaximum(ReceiveMaximum);

    /// <summary>Everything the devices publish.</summary>
    public static readonly IReadOnlyList<string> DeviceTopics = ["coop/v1/fridges/#", "coop/v1/kiosks/#", "coop/v1/devices/+/status"];

    public IReadOnlyList<string> TopicFilters =>
        string.IsNullOrEmpty(SharedGroup) ? DeviceTopics : DeviceTopics.Select(t => $"$share/{SharedGroup}/{t}").ToArray();
}

public sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Host)) errors.Add("Mqtt__Host is required");
        if (o.Port is < 1 or > 65535) errors.Add("Mqtt__Port must be within 1..65535");
        if (string.IsNullOrWhiteSpace(o.ClientId)) errors.Add("Mqtt__ClientId is required (stable per gateway replica)");
        else if (Contract.ContractRules.IsDeviceId(o.ClientId))
            errors.Add($"Mqtt__ClientId '{o.ClientId}' is a valid device id, so a device account of that name could take the gateway's session: use a ':' in it, e.g. gateway:{o.ClientId}");
        if (!string.IsNullOrEmpty(o.AlertSession))
        {
            if (Contract.ContractRules.IsDeviceId(o.AlertSession) || o.AlertSession == o.ClientId)
                errors.Add($"Mqtt__AlertSession '{o.AlertSession}' must differ from Mqtt__ClientId and not be a valid device id: use a ':' in it, e.g. gateway:alerts");
            if (string.IsNullOrEmpty(o.SharedGroup))
                errors.Add("Mqtt__AlertSession is for several replicas, which share the ingestion through Mqtt__SharedGroup: set both");
        }
        if (string.IsNullOrEmpty(o.Username) != string.IsNullOrEmpty(o.Password)) errors.Add("Mqtt__Username and Mqtt__Password go together");
        if (o.SessionExpirySeconds == 0) errors.Add("Mqtt__SessionExpirySeconds must be > 0: a persistent session keeps what is not acknowledged");
        if (o.ReceiveMaximum < 1) errors.Add("Mqtt__ReceiveMaximum must be >= 1");
        if (o.ReadLinger < TimeSpan.Zero || o.ReadLinger > TimeSpan.FromMilliseconds(100)) errors.Add("Mqtt__ReadLinger must be within 0..100 ms");
        if (o.SharedGroup.IndexOfAny(['/', '+', '#']) >= 0) errors.Add("Mqtt__SharedGroup may not contain / + or #");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
