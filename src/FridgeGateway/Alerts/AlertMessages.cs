using System.Globalization;
using System.Text.Json;

namespace FridgeGateway.Alerts;

/// <summary>The retained alert message of the contract: <c>{"state","since","value","detail"}</c>.</summary>
public static class AlertMessages
{
    public static string Topic(AlertTransition t) => $"coop/v1/alerts/{t.DeviceId}/{t.Type.WireName()}";

    public static byte[] Payload(AlertTransition t)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("state", t.Raised ? "raised" : "cleared");
            w.WriteString("since", t.Since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            if (t.Value is { } value) w.WriteNumber("value", Math.Round(value, 3));
            else w.WriteNull("value");
            w.WriteString("detail", t.Detail);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
