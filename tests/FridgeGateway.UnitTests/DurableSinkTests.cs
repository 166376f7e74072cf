using FridgeGateway.Sinks;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using static FridgeGateway.UnitTests.TestDoubles;

namespace FridgeGateway.UnitTests;

public sealed class DurableSinkTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"sink-{Guid.NewGuid():N}");
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        _stop.Cancel();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_batch_the_writer_takes_is_not_spooled()
    {
        var writer = Writer();
        using var sink = Sink(writer, _dir);

        Assert.True(await sink.AcceptAsync([Item("a:1")], _stop.Token));

        await writer.Received(1).WriteAsync(Arg.Is<IReadOnlyList<SinkItem>>(b => b.Single().Key == "a:1"), Arg.Any<CancellationToken>());
        Assert.True(sink.Spool.IsEmpty);
    }

    [Fact]
    public async Task A_batch_the_writer_cannot_take_is_spooled_and_replayed_in_order_once_it_recovers()
    {
        var writer = Writer();
        var written = new List<string>();
        var down = true;
        writer.WriteAsync(default!, default).ReturnsForAnyArgs(call =>
        {
            if (down) throw new TransientSinkException("503");
            written.AddRange(call.Arg<IReadOnlyList<SinkItem>>().Select(i => i.Key));
            return Task.FromResult<IReadOnlyList<RejectedItem>>([]);
        });
        using var sink = Sink(writer, _dir);

        Assert.True(await sink.AcceptAsync([Item("a:1"), Item("a:2")], _stop.Token));
        Assert.True(await sink.AcceptAsync([Item("a:3")], _stop.Token));
        Assert.Equal(2, sink.Spool.PendingRecords);

        down = false;
        // While the spool holds anything, new batches join it behind the old ones.
        Assert.True(await sink.AcceptAsync([Item("a:4")], _stop.Token));
        Assert.Empty(written);

        var replay = sink.ReplayAsync(_stop.Token);
        while (!sink.Spool.IsEmpty) await Task.Delay(10, _stop.Token);
        Assert.Equal(["a:1", "a:2", "a:3", "a:4"], written);
    }

    /// <summary>A writer that takes everything but the poison key, on which the destination answers 500 while ready.</summary>
    private static (ISinkWriter Writer, List<string> Written) PoisonWriter(string poison, Func<bool> answering)
    {
        var writer = Writer("inventory");
        var written = new List<string>();
        writer.IsAnsweringAsync(default).ReturnsForAnyArgs(_ => Task.FromResult(answering()));
        writer.WriteAsync(default!, default).ReturnsForAnyArgs(call =>
        {
            var items = call.Arg<IReadOnlyList<SinkItem>>();
            lock (written) written.AddRange(items.Where(i => i.Key != poison).Select(i => i.Key));
            var failed = items.Where(i => i.Key == poison).ToList();
            if (failed.Count > 0) throw new TransientSinkException("inventory API answered 500", null, failed);
            return Task.FromResult<IReadOnlyList<RejectedItem>>([]);
        });
        return (writer, written);
    }

    [Fact]
    public async Task An_item_the_destination_keeps_failing_while_ready_is_quarantined_and_the_items_behind_it_flow()
    {
        var (writer, written) = PoisonWriter("k:2", () => true);
        var deadLetters = Substitute.For<IDeadLetters>();
        using var sink = Sink(writer, _dir, deadLetters);
        Assert.True(await sink.AcceptAsync([Item("k:1"), Item("k:2")], _stop.Token)); // spooled: the write failed
        Assert.True(await sink.AcceptAsync([Item("k:3")], _stop.Token));

        var replay = sink.ReplayAsync(_stop.Token);
        while (!sink.Spool.IsEmpty) await Task.Delay(10, _stop.Token);

        lock (written) Assert.Equal(["k:1", "k:3"], written.Distinct().Order());
        var quarantined = await File.ReadAllLinesAsync(Path.Combine(_dir, "quarantine.jsonl"), _stop.Token);
        var line = System.Text.Json.JsonDocument.Parse(Assert.Single(quarantined)).RootElement;
        Assert.Equal("k:2", line.GetProperty("key").GetString());
        Assert.Contains("500", line.GetProperty("reason").GetString());
        await deadLetters.Received(1).PublishAsync(Item("k:2").Topic, Arg.Is<string>(r => r.StartsWith("inventory quarantined after 3 attempts")),
            Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task While_the_destination_is_not_ready_nothing_is_quarantined_and_order_holds()
    {
        var answering = false;
        var (writer, written) = PoisonWriter("k:2", () => answering);
        using var sink = Sink(writer, _dir);
        Assert.True(await sink.AcceptAsync([Item("k:1"), Item("k:2")], _stop.Token));
        Assert.True(await sink.AcceptAsync([Item("k:3")], _stop.Token));

        var replay = sink.ReplayAsync(_stop.Token);
        // More replays than the quarantine needs fail while the API says it is not ready: no strike counts.
        while (writer.ReceivedCalls().Count(c => c.GetMethodInfo().Name == nameof(ISinkWriter.IsAnsweringAsync)) < 4) await Task.Delay(10, _stop.Token);
        Assert.False(File.Exists(Path.Combine(_dir, "quarantine.jsonl")));
        lock (written) Assert.DoesNotContain("k:3", written);
        Assert.Equal(2, sink.Spool.PendingRecords);

        answering = true;
        while (!sink.Spool.IsEmpty) await Task.Delay(10, _stop.Token);
        lock (written) Assert.Contains("k:3", written);
    }

    [Fact]
    public async Task Items_the_destination_refuses_for_good_are_dead_lettered_with_the_reason()
    {
        var writer = Writer();
        var deadLetters = Substitute.For<IDeadLetters>();
        writer.WriteAsync(default!, default).ReturnsForAnyArgs(call =>
            Task.FromResult<IReadOnlyList<RejectedItem>>([new RejectedItem(call.Arg<IReadOnlyList<SinkItem>>()[1], "field type conflict")]));
        using var sink = Sink(writer, _dir, deadLetters);

        Assert.True(await sink.AcceptAsync([Item("a:1"), Item("a:2")], _stop.Token));

        await deadLetters.Received(1).PublishAsync("coop/v1/fridges/fridge-t-01/telemetry", "influx refused: field type conflict",
            Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>());
        Assert.True(sink.Spool.IsEmpty);
    }

    [Fact]
    public async Task When_the_destination_is_down_and_the_spool_is_full_the_batch_is_not_accepted()
    {
        var writer = Writer();
        writer.WriteAsync(default!, default).ThrowsAsyncForAnyArgs(new HttpRequestException("connection refused"));
        using var sink = Sink(writer, _dir, maxBytes: 1 << 20);
        // ~450 KB a batch: two fit in 1 MiB, a third does not.
        var big = Enumerable.Range(0, 1000).Select(i => new SinkItem("coop/v1/fridges/fridge-t-01/telemetry", $"k:{i}", new byte[400])).ToList();

        Assert.True(await sink.AcceptAsync(big, _stop.Token));
        Assert.True(await sink.AcceptAsync(big, _stop.Token));
        Assert.False(await sink.AcceptAsync(big, _stop.Token));
    }

    [Fact]
    public async Task A_refused_credential_is_never_taken_for_bad_data()
    {
        // 401/403 from a sink are a setting to fix: the batch must wait in the spool, not be dropped.
        var writer = Writer();
        writer.WriteAsync(default!, default).ThrowsAsyncForAnyArgs(new TransientSinkException("InfluxDB answered 401"));
        var deadLetters = Substitute.For<IDeadLetters>();
        using var sink = Sink(writer, _dir, deadLetters);

        Assert.True(await sink.AcceptAsync([Item("a:1")], _stop.Token));

        Assert.Equal(1, sink.Spool.PendingRecords);
        await deadLetters.DidNotReceiveWithAnyArgs().PublishAsync(default!, default!, default, default, default);
    }
}
