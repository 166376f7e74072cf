using System.Net;
using FridgeGateway.Influx;
using FridgeGateway.Sinks;

namespace FridgeGateway.UnitTests;

public sealed class LineProtocolSinkWriterTests
{
    /// <summary>Records each body sent; answers 400 for a body holding a line that contains "bad".</summary>
    private sealed class RecordingWriter(int maxItems) : LineProtocolSinkWriter(maxItems)
    {
        public List<string[]> Bodies { get; } = [];

        protected override Task<(HttpStatusCode Status, string Error)> SendAsync(LineProtocolBody body, CancellationToken cancellationToken)
        {
            var lines = body.ToString().Split('\n');
            Bodies.Add(lines);
            return Task.FromResult(lines.Any(l => l.Contains("bad", StringComparison.Ordinal))
                ? (HttpStatusCode.BadRequest, "field type conflict")
                : (HttpStatusCode.NoContent, ""));
        }
    }

    private static SinkItem Line(string key) => new("coop/v1/fridges/fridge-t-01/telemetry", key, $"m,device=d v=1 {key}");

    [Fact]
    public async Task A_body_is_written_as_the_utf8_of_its_lines_joined_by_newlines_even_past_the_pooled_buffer()
    {
        // Accents (two bytes each in UTF-8), many small lines over several buffers, and one line larger than a buffer.
        var items = Enumerable.Range(0, 3000).Select(i => Line($"{i} détail « été »"))
            .Append(Line(new string('é', 70_000))).Append(Line("dernière")).ToList();
        using var written = new MemoryStream();

        await new LineProtocolBody(items, 1, items.Count - 1).WriteUtf8Async(written, CancellationToken.None);

        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', items.Skip(1).Select(i => i.Text))), written.ToArray());
        Assert.Equal(string.Join('\n', items.Skip(1).Select(i => i.Text)), new LineProtocolBody(items, 1, items.Count - 1).ToString());
    }

    [Fact]
    public async Task A_batch_is_written_in_bodies_of_at_most_max_batch_items()
    {
        var writer = new RecordingWriter(maxItems: 2);

        var rejected = await writer.WriteAsync([Line("1"), Line("2"), Line("3"), Line("4"), Line("5")], CancellationToken.None);

        Assert.Empty(rejected);
        Assert.Equal([2, 2, 1], writer.Bodies.Select(b => b.Length));
    }

    [Fact]
    public async Task A_refused_line_is_found_within_its_body_and_the_other_bodies_are_written_once()
    {
        var writer = new RecordingWriter(maxItems: 4);

        var rejected = await writer.WriteAsync([Line("1"), Line("bad"), Line("3"), Line("4"), Line("5"), Line("6")], CancellationToken.None);

        Assert.Equal("bad", Assert.Single(rejected).Item.Key);
        Assert.Equal(1, writer.Bodies.Count(b => b.Contains("m,device=d v=1 6")));
    }

    [Fact]
    public async Task A_message_without_lines_is_not_sent_as_an_empty_body_nor_refused()
    {
        // An empty shelf's count has no SKU line: alone, its body would be empty, which InfluxDB answers 400 "EOF".
        var writer = new RecordingWriter(maxItems: 2);
        SinkItem empty = new("coop/v1/fridges/fridge-t-01/stock", "fridge-t-01:712", "");

        Assert.Empty(await writer.WriteAsync([empty], CancellationToken.None));
        Assert.Empty(writer.Bodies);
        Assert.Empty(await writer.WriteAsync([Line("1"), empty, Line("2"), Line("3")], CancellationToken.None));
        Assert.Equal([["m,device=d v=1 1", "m,device=d v=1 2"], ["m,device=d v=1 3"]], writer.Bodies);
    }
}
