using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FridgeGateway.Contract;

/// <summary>
/// What the gateway publishes on <c>coop/v1/gateway/deadletter</c> for a rejected message. Always small,
/// whatever the device sent: the payload is an excerpt (its first <see cref="ExcerptBytes"/> bytes) with
/// the full size and a SHA-256, so an oversized report can never make the gateway's own packet too large
/// for the broker (rule "One device can only hurt itself"). The contract's fields (topic, reason, receivedAt, payloadBase64) stay.
/// </summary>
public sealed record DeadLetter(
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("receivedAt")] string ReceivedAt,
    [property: JsonPropertyName("payloadBase64")] string PayloadBase64,
    [property: JsonPropertyName("payloadBytes")] int PayloadBytes,
    [property: JsonPropertyName("payloadSha256")] string PayloadSha256,
    [property: JsonPropertyName("payloadTruncated")] bool PayloadTruncated)
{
    public const int ExcerptBytes = 4 * 1024;
    public const int MaxTopicChars = 256;
    public const int MaxReasonChars = 1024;

    public static DeadLetter For(string topic, string reason, ReadOnlySpan<byte> payload, DateTimeOffset receivedAt)
    {
        var excerpt = payload[..Math.Min(payload.Length, ExcerptBytes)];
        return new DeadLetter(
            Clip(topic, MaxTopicChars),
            Clip(reason, MaxReasonChars),
            receivedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToBase64String(excerpt),
            payload.Length,
            Convert.ToHexStringLower(SHA256.HashData(payload)),
            excerpt.Length < payload.Length);
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this);

    private static string Clip(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
