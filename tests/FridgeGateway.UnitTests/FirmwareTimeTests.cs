using System.Globalization;
using FridgeGateway.Contract;

namespace FridgeGateway.UnitTests;

/// <summary>The hand-read firmware timestamp says exactly what the general RFC 3339 parser says, for every string of its shape.</summary>
public sealed class FirmwareTimeTests
{
    [Fact]
    public void The_fast_reading_agrees_with_the_general_parser_on_200000_strings_of_the_firmware_shape()
    {
        var random = new Random(20261129);
        for (var i = 0; i < 200_000; i++)
        {
            // Digits that are sometimes out of range (month 13, day 31 in February, hour 24, second 60), and now and
            // then a character that is not a digit or a separator out of place.
            var text = $"{random.Next(0, 10000):D4}-{random.Next(0, 14):D2}-{random.Next(0, 33):D2}T{random.Next(0, 25):D2}:{random.Next(0, 61):D2}:{random.Next(0, 61):D2}.{random.Next(0, 1000):D3}Z";
            if (random.Next(20) == 0)
            {
                var chars = text.ToCharArray();
                chars[random.Next(chars.Length)] = "0Tt:-.Zz x/é٣"[random.Next(13)];
                text = new string(chars);
            }
            var general = DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expected);
            var fast = MessageParser.TryParseFirmwareTime(text, out var actual);
            // Read off the payload's bytes (the reading's fast path), it says the same.
            Assert.Equal((fast, actual), (MessageParser.TryParseFirmwareTime(System.Text.Encoding.UTF8.GetBytes(text), out var fromBytes), fromBytes));
            // The fast reading may decline what the general parser takes (it then goes to the general parser), never the reverse.
            if (fast) Assert.True(general && expected == actual && expected.Offset == actual.Offset, $"'{text}': fast {actual:O}, general {general} {expected:O}");
            else if (general) Assert.True(text.Length != 24 || text[23] != 'Z' || text[10] != 'T', $"'{text}' of the firmware shape declined by the fast reading");
        }
    }
}
