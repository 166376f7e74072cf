using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FridgeGateway.Contract;

namespace FridgeGateway.UnitTests;

public sealed class DeadLetterTests
{
    private static readonly DateTimeOffset Received = new(2026, 7, 14, 18, 3, 12, 250, TimeSpan.Zero);

    [Fact]
    public void An_800_KB_payload_becomes_a_letter_of_a_few_KiB_with_its_size_and_hash()
    {
        var payload = Encoding.UTF8.GetBytes("{\"seq\":1,\"pad\":\"" + new string('x', 800_000) + "\"}");

        var json = DeadLetter.For("coop/v1/fridges/fridge-a-01/telemetry", "payload is 800017 bytes", payload, Received).ToJson();

        Assert.True(json.Length < 8 * 1024, $"letter is {json.Length} bytes");
        var letter = JsonDocument.Parse(json).RootElement;
        Assert.Equal(payload.Length, letter.GetProperty("payloadBytes").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(payload)), letter.GetProperty("payloadSha256").GetString());
        Assert.True(letter.GetProperty("payloadTruncated").GetBoolean());
        Assert.Equal(payload.AsSpan(0, DeadLetter.ExcerptBytes).ToArray(), Convert.FromBase64String(letter.GetProperty("payloadBase64").GetString()!));
        Assert.Equal("2026-07-14T18:03:12.250Z", letter.GetProperty("receivedAt").GetString());
    }

    [Fact]
    public void A_small_payload_travels_whole_and_untruncated()
    {
        var payload = "{\"seq\": 1, \"tempC\": 3."u8.ToArray();

        var letter = DeadLetter.For("coop/v1/fridges/fridge-a-01/telemetry", "invalid JSON", payload, Received);

        Assert.Equal(payload, Convert.FromBase64String(letter.PayloadBase64));
        Assert.False(letter.PayloadTruncated);
        Assert.Equal(payload.Length, letter.PayloadBytes);
    }

    [Fact]
    public void A_huge_topic_or_reason_is_clipped()
    {
        var letter = DeadLetter.For(new string('t', 10_000), new string('r', 10_000), [], Received);

        Assert.Equal(DeadLetter.MaxTopicChars, letter.Topic.Length);
        Assert.Equal(DeadLetter.MaxReasonChars, letter.Reason.Length);
        Assert.EndsWith("…", letter.Reason);
    }
}
