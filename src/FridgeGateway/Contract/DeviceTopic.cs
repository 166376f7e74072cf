using System.Collections.Concurrent;

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
        parsed = new DeviceTopic(known.Kind, KnownDeviceIds.Of(deviceId), known.Message);
        reason = "";
        return true;
    }
}

/// <summary>
/// Each device id as one string, shared by all its messages: read from the topic once per message, it was a new
/// string each time, kept while the message waits for its batch and its acknowledgement; shared, the
/// alert machines' and the recent-keys memory's look-ups also compare it by reference.
/// </summary>
/// <remarks>
/// Bounded: past <see cref="Max"/> ids a new one is made each time as before, so that an account able to publish
/// under many ids (only the gateway's and the services' are; a device's only under its own) cannot grow it.
/// </remarks>
internal static class KnownDeviceIds
{
    public const int Max = 65_536;
    private static readonly ConcurrentDictionary<string, string> Ids = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> BySpan = Ids.GetAlternateLookup<ReadOnlySpan<char>>();
    private static int s_count;

    public static string Of(ReadOnlySpan<char> id)
    {
        if (BySpan.TryGetValue(id, out var known)) return known;
        var made = id.ToString();
        // The dictionary's own Count takes all its locks; a counter of our own does not.
        if (Volatile.Read(ref s_count) < Max && Ids.TryAdd(made, made)) Interlocked.Increment(ref s_count);
        return made;
    }

    internal static int Count => Volatile.Read(ref s_count);
}
