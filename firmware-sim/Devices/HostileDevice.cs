using FirmwareSim.Wire;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace FirmwareSim.Devices;

/// <summary>
/// Scenario "hostile": what whoever took a fridge home can do with the credentials read off its flash
/// (DESIGN rule 7, docs/security.md). Each act is reported on the progress line; the platform must show
/// the other devices' readings landing throughout, and the gateway connected and ready.
/// </summary>
public static class HostileDevice
{
    public const string GatewayClientId = "gateway:fridge-gateway-1";
    public const int FloodMessages = 2000;

    public static async Task AttackAsync(SimulatedDevice device, DeviceLink link, BrokerSettings broker, string otherDeviceId, DateTimeOffset now,
        CancellationToken ct)
    {
        var id = device.Spec.Id;
        var report = new List<string>();

        // 1. A message of 800 KB on its own topic: over the broker's packet cap, the broker drops the device.
        report.Add(await TryAsync(link, new Outgoing(device.Spec.Topic("telemetry"),
            System.Text.Encoding.UTF8.GetBytes($$"""{"seq":0,"tempC":3,"pad":"{{new string('x', 800_000)}}"}""")), ct) ?? "800 KB message accepted (the broker has no packet cap!)");
        await link.DropAsync();
        await link.ConnectAsync(ct);

        // 2. 20 KB: under the broker's cap, over the contract's 16 KiB: dead-lettered with a 4 KiB excerpt.
        await link.PublishNowAsync(new Outgoing(device.Spec.Topic("telemetry"),
            System.Text.Encoding.UTF8.GetBytes($$"""{"seq":1,"tempC":3,"pad":"{{new string('y', 20_000)}}"}""")), ct);
        report.Add("20 KB message published (the gateway dead-letters it)");

        // 3. Its own credentials with the gateway's client id, then another device's: the broker gives it its own id.
        foreach (var clientId in new[] { GatewayClientId, otherDeviceId })
        {
            using var intruder = new MqttClientFactory().CreateMqttClient();
            var (username, password) = broker.CredentialsFor(id);
            var result = await intruder.ConnectAsync(broker.Server(new MqttClientOptionsBuilder())
                .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId(clientId).WithCredentials(username, password).WithCleanStart(true).Build(), ct);
            report.Add($"connected asking for client id {clientId}: {result.ResultCode}, given {result.AssignedClientIdentifier ?? "its username"}");
            await intruder.DisconnectAsync(cancellationToken: ct);
        }
        await link.DropAsync(); // the intruder had the same client id as the device itself: the broker closed the device's link
        await link.ConnectAsync(ct);

        // 4. Outside its own contract topics: refused by the broker's ACL.
        foreach (var topic in new[] { $"coop/v1/fridges/{id}/extra/retained", $"coop/v1/fridges/{otherDeviceId}/telemetry", "coop/v1/gateway/deadletter" })
            report.Add(await TryAsync(link, new Outgoing(topic, """{"seq":2,"tempC":3}"""u8.ToArray(), Retain: true), ct) ?? $"published on {topic} (the ACL let it through!)");

        // 5. A flood of valid readings as fast as the broker takes them.
        foreach (var message in device.Flood(now, FloodMessages)) await link.PublishNowAsync(message, ct);
        report.Add($"flooded {FloodMessages} valid readings");

        Console.Error.WriteLine($"hostile {id}: {string.Join("; ", report)}");
    }

    /// <summary>Null when the broker took the message; otherwise how it was refused.</summary>
    private static async Task<string?> TryAsync(DeviceLink link, Outgoing message, CancellationToken ct)
    {
        var refusedBefore = link.Refused;
        try { await link.PublishNowAsync(message, ct); }
        catch (Exception e) when (!ct.IsCancellationRequested) { return $"{message.Topic} ({message.Payload.Length} bytes) refused: {e.GetType().Name}"; }
        return link.Refused > refusedBefore ? $"{message.Topic} refused by the ACL" : null;
    }
}
