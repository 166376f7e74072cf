namespace FridgeGateway.Contract;

/// <summary>What a device publishes, as named by the last segment of its topic.</summary>
public enum MessageKind { Telemetry, Events, Stock, Sales, Status }

/// <summary>The kind of device, named by the topic's second segment (fridges | kiosks).</summary>
public enum DeviceKind { Fridge, Kiosk }

/// <summary>
/// A device topic of telemetry contract v1, parsed. The device id in the topic is the device's
/// identity: the broker's ACL guarantees that only that device may publish under it.
/// </summary>
public readonly record struct DeviceTopic(DeviceKind? Kind, string DeviceId, MessageKind Message)
{
    private const string Prefix = "coop/v1/";

    public static bool TryParse(string topic, out DeviceTopic parsed, out string reason)
    {
        parsed = default;
        // coop/v1/{kinds}/{deviceId}/{message}, cut by hand: once per message, so no array and no copy but the id.
        var rest = topic.AsSpan();
        int first, second;
        if (!rest.StartsWith(Prefix, StringComparison.Ordinal)
            || (first = (rest = rest[Prefix.Length..]).IndexOf('/')) < 0
            || (second = rest[(first + 1)..].IndexOf('/')) < 0
            || rest[(first + 1 + second + 1)..].Contains('/'))
        {
            reason = "topic is not a telemetry v1 device topic";
            return false;
        }
        var kinds = rest[..first];
        var deviceId = rest.Slice(first + 1, second);
        var message = rest[(first + 1 + second + 1)..];
        if (!ContractRules.IsDeviceId(deviceId))
        {
            reason = "device id in topic does not match ^[a-z0-9][a-z0-9-]{2,63}$";
            return false;
        }
        (DeviceKind? Kind, MessageKind Message)? route = kinds switch
        {
            "fridges" => message switch
            {
                "telemetry" => (DeviceKind.Fridge, MessageKind.Telemetry),
                "events" => (DeviceKind.Fridge, MessageKind.Events),
                "stock" => (DeviceKind.Fridge, MessageKind.Stock),
                _ => null,
            },
            "kiosks" => message switch
            {
                "telemetry" => (DeviceKind.Kiosk, MessageKind.Telemetry),
                "events" => (DeviceKind.Kiosk, MessageKind.Events),
                "stock" => (DeviceKind.Kiosk, MessageKind.Stock),
                "sales" => (DeviceKind.Kiosk, MessageKind.Sales),
                _ => null,
            },
            "devices" when message is "status" => (null, MessageKind.Status),
            _ => null,
        };
        if (route is not { } known)
        {
            reason = $"unknown topic kind {kinds}/{message}";
            return false;
        }
        parsed = new DeviceTopic(known.Kind, deviceId.ToString(), known.Message);
        reason = "";
        return true;
    }
}
