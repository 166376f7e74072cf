using FridgeGateway.Ingestion;

namespace FridgeGateway.UnitTests;

/// <summary>The memory of each device's recent sequence numbers that recognises redelivered messages.</summary>
public sealed class RecentSequencesTests
{
    [Fact]
    public void A_redelivered_message_is_recognised_in_order_or_not_and_each_device_counts_alone()
    {
        var recent = new RecentSequences(window: 128, maxDevices: 10);
        Assert.True(recent.Add("fridge-a", 10));
        Assert.True(recent.Add("fridge-a", 12));
        Assert.True(recent.Add("fridge-a", 11)); // late, inside the window: new
        Assert.False(recent.Add("fridge-a", 11)); // again: a duplicate
        Assert.False(recent.Add("fridge-a", 12));
        Assert.True(recent.Contains("fridge-a", 10));
        Assert.False(recent.Contains("fridge-a", 13));
        Assert.True(recent.Add("fridge-b", 11)); // another device's 11
        Assert.False(recent.Contains("fridge-c", 11));
    }

    [Fact]
    public void Sequences_that_fall_out_of_the_window_are_forgotten_and_taken_as_new_never_dropped()
    {
        var recent = new RecentSequences(window: 64, maxDevices: 10);
        for (var seq = 0; seq < 64; seq++) Assert.True(recent.Add("kiosk-a", seq));
        Assert.True(recent.Add("kiosk-a", 64)); // seq 0 leaves the window
        Assert.False(recent.Contains("kiosk-a", 0));
        Assert.True(recent.Add("kiosk-a", 0)); // too old to tell: written again rather than lost
        Assert.True(recent.Contains("kiosk-a", 1));
        // A jump past the whole window forgets everything before it (the slots are reused, not mistaken).
        Assert.True(recent.Add("kiosk-a", 1000));
        for (var seq = 937; seq < 1000; seq++) Assert.False(recent.Contains("kiosk-a", seq));
        Assert.True(recent.Add("kiosk-a", 999));
        Assert.False(recent.Add("kiosk-a", 999));
        // A counter that restarted (a factory reset) is far below: new.
        Assert.True(recent.Add("kiosk-a", 3));
    }

    [Fact]
    public void A_gap_clears_the_slots_it_reuses()
    {
        var recent = new RecentSequences(window: 64, maxDevices: 10);
        for (var seq = 0; seq < 64; seq++) recent.Add("fridge-a", seq);
        recent.Add("fridge-a", 70); // 65..69 never came: their slots (1..5) held 1..5 and must not say "seen"
        for (var seq = 65; seq < 70; seq++) Assert.False(recent.Contains("fridge-a", seq));
        Assert.True(recent.Contains("fridge-a", 10));
        Assert.False(recent.Contains("fridge-a", 6)); // out of the window now
    }

    [Fact]
    public void Past_its_capacity_it_forgets_the_device_it_remembered_first()
    {
        var recent = new RecentSequences(window: 64, maxDevices: 2);
        recent.Add("fridge-a", 1);
        recent.Add("fridge-b", 1);
        recent.Add("fridge-c", 1);
        Assert.Equal(2, recent.Devices);
        Assert.False(recent.Contains("fridge-a", 1));
        Assert.True(recent.Contains("fridge-b", 1) && recent.Contains("fridge-c", 1));
    }

    [Fact]
    public void It_matches_a_plain_set_of_keys_within_the_window_whatever_the_order()
    {
        // Property: against the obvious model (every (device, seq) ever added), over random streams where no
        // sequence is older than the window, Add answers the same.
        var random = new Random(20261129);
        for (var round = 0; round < 200; round++)
        {
            var recent = new RecentSequences(window: 128, maxDevices: 100);
            var model = new Dictionary<string, (long Newest, HashSet<long> Seen)>();
            for (var i = 0; i < 500; i++)
            {
                var device = $"d{random.Next(3)}";
                var newest = model.TryGetValue(device, out var m) ? m.Newest : 0;
                var seq = Math.Max(0, newest + random.Next(-100, 20)); // late, duplicate, or ahead with gaps
                if (!model.TryGetValue(device, out m)) model[device] = m = (-1, []);
                var expected = m.Seen.Add(seq);
                model[device] = (Math.Max(m.Newest, seq), m.Seen);
                Assert.Equal(expected, recent.Add(device, seq));
            }
        }
    }
}

/// <summary>The memory's settings fail loudly at start when they cannot work.</summary>
public sealed class RememberedSettingsTests
{
    [Theory]
    [InlineData(1024, 100_000, true)]
    [InlineData(100, 100_000, false)]   // not a multiple of 64: the ring is whole words of bits
    [InlineData(0, 100_000, false)]
    [InlineData(131_072, 100_000, false)]
    [InlineData(1024, 10, false)]       // fewer devices than a small fleet
    public void The_remembered_window_and_devices_are_checked(int perDevice, int devices, bool valid)
    {
        var result = new BatchOptionsValidator().Validate(null, new BatchOptions { RememberedPerDevice = perDevice, RememberedDevices = devices });
        Assert.Equal(valid, result.Succeeded);
        if (!valid) Assert.Contains("Batch__Remembered", result.FailureMessage);
    }
}
