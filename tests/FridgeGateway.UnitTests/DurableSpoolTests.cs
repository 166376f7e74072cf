using System.Text;
using FridgeGateway.Spool;

namespace FridgeGateway.UnitTests;

public sealed class DurableSpoolTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"spool-{Guid.NewGuid():N}");

    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true); }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static List<string> Drain(DurableSpool spool)
    {
        var seen = new List<string>();
        while (spool.Peek() is { } record) { seen.Add(Encoding.UTF8.GetString(record)); spool.Commit(record); }
        return seen;
    }

    [Fact]
    public void Records_come_back_in_append_order_and_leave_once_committed()
    {
        using var spool = new DurableSpool(_dir, 1 << 20);
        Assert.True(spool.TryAppend(B("one")));
        Assert.True(spool.TryAppend(B("two")));
        Assert.Equal(2, spool.PendingRecords);
        Assert.Equal("one", Encoding.UTF8.GetString(spool.Peek()!));
        Assert.Equal("one", Encoding.UTF8.GetString(spool.Peek()!)); // peeking again does not advance
        Assert.Equal(["one", "two"], Drain(spool));
        Assert.True(spool.IsEmpty);
        Assert.Equal(0, spool.PendingBytes);
    }

    [Fact]
    public void What_was_not_replayed_survives_a_restart()
    {
        using (var spool = new DurableSpool(_dir, 1 << 20))
        {
            spool.TryAppend(B("a")); spool.TryAppend(B("b")); spool.TryAppend(B("c"));
            var first = spool.Peek()!;
            spool.Commit(first);
        }
        using var reopened = new DurableSpool(_dir, 1 << 20);
        Assert.Equal(2, reopened.PendingRecords);
        reopened.TryAppend(B("d"));
        Assert.Equal(["b", "c", "d"], Drain(reopened));
    }

    [Fact]
    public void A_torn_last_record_is_discarded_and_everything_before_it_kept()
    {
        using (var spool = new DurableSpool(_dir, 1 << 20)) { spool.TryAppend(B("kept-1")); spool.TryAppend(B("kept-2")); spool.TryAppend(B("torn")); }
        var segment = Directory.GetFiles(_dir, "*.seg").Single();
        using (var file = new FileStream(segment, FileMode.Open)) file.SetLength(file.Length - 2); // killed mid-write

        var warnings = new List<string>();
        using var reopened = new DurableSpool(_dir, 1 << 20, warnings.Add);
        Assert.Contains("torn", Assert.Single(warnings));
        Assert.Equal(2, reopened.PendingRecords);
        reopened.TryAppend(B("after"));
        Assert.Equal(["kept-1", "kept-2", "after"], Drain(reopened));
    }

    [Fact]
    public void A_last_record_with_a_bad_checksum_is_discarded()
    {
        using (var spool = new DurableSpool(_dir, 1 << 20)) { spool.TryAppend(B("good")); spool.TryAppend(B("flipped")); }
        var segment = Directory.GetFiles(_dir, "*.seg").Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(segment, bytes);

        using var reopened = new DurableSpool(_dir, 1 << 20);
        Assert.Equal(["good"], Drain(reopened));
    }

    [Fact]
    public void The_byte_cap_refuses_appends_until_replay_makes_room()
    {
        using var spool = new DurableSpool(_dir, 120); // two 40-byte records and their 12-byte headers fit, a third does not
        Assert.True(spool.TryAppend(new byte[40]));
        Assert.True(spool.TryAppend(new byte[40]));
        Assert.False(spool.TryAppend(new byte[40]));
        spool.Commit(spool.Peek()!);
        Assert.True(spool.TryAppend(new byte[40]));
    }

    [Fact]
    public void Segments_roll_over_and_drained_ones_are_deleted()
    {
        using var spool = new DurableSpool(_dir, 1L << 30);
        var big = new byte[5 * 1024 * 1024];
        for (var i = 0; i < 8; i++) { big[0] = (byte)i; Assert.True(spool.TryAppend(big)); }
        Assert.True(Directory.GetFiles(_dir, "*.seg").Length >= 3);
        for (var i = 0; i < 8; i++)
        {
            var record = spool.Peek()!;
            Assert.Equal((byte)i, record[0]);
            spool.Commit(record);
        }
        Assert.True(spool.IsEmpty);
        Assert.True(Directory.GetFiles(_dir, "*.seg").Length <= 1);
    }
}
