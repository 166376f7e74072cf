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
    public static bool TryParse(string topic, out DeviceTopic parsed, out string reason)
    {
        parsed = default;
        var parts = topic.Split('/');
        if (parts.Length != 5 || parts[0] != "coop" || parts[1] != "v1")
        {
            reason = "topic is not a telemetry v1 device topic";
            return false;
        }
        var deviceId = parts[3];
        if (!ContractRules.IsDeviceId(deviceId))
        {
            reason = "device id in topic does not match ^[a-z0-9][a-z0-9-]{2,63}$";
            return false;
        }
        (DeviceKind? kind, MessageKind? message) = (parts[2], parts[4]) switch
        {
            ("fridges", "telemetry") => (DeviceKind.Fridge, MessageKind.Telemetry),
            ("fridges", "events") => (DeviceKind.Fridge, MessageKind.Events),
            ("fridges", "stock") => (DeviceKind.Fridge, MessageKind.Stock),
            ("kiosks", "telemetry") => (DeviceKind.Kiosk, MessageKind.Telemetry),
            ("kiosks", "events") => (DeviceKind.Kiosk, MessageKind.Events),
            ("kiosks", "stock") => (DeviceKind.Kiosk, MessageKind.Stock),
            ("kiosks", "sales") => (DeviceKind.Kiosk, MessageKind.Sales),
            ("devices", "status") => ((DeviceKind?)null, MessageKind.Status),
            _ => ((DeviceKind?)null, (MessageKind?)null),
        };
        if (message is null)
        {
            reason = $"unknown topic kind {parts[2]}/{parts[4]}";
            return false;
        }
        parsed = new DeviceTopic(kind, deviceId, message.Value);
        reason = "";
        return true;
    }
}
