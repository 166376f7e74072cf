using FridgeGateway.Ingestion;

namespace FridgeGateway.UnitTests;

/// <summary>The memory of each device's recent sequence numbers that recognises redelivered messages.</summary>
public sealed class RecentSequencesTests
{
    [Fact]
    public void A_redelivered_message_is_recognised_in_order_or_not_and_each_device_counts_alone()
    {
        var recent = new RecentSequences(window: 128, maxDevices: 10);
        Assert.True(recent.Add("fridge-a", 10, null));
        Assert.True(recent.Add("fridge-a", 12, null));
        Assert.True(recent.Add("fridge-a", 11, null)); // late, inside the window: new
        Assert.False(recent.Add("fridge-a", 11, null)); // again: a duplicate
        Assert.False(recent.Add("fridge-a", 12, null));
        Assert.True(recent.Contains("fridge-a", 10));
        Assert.False(recent.Contains("fridge-a", 13));
        Assert.True(recent.Add("fridge-b", 11, null)); // another device's 11
        Assert.False(recent.Contains("fridge-c", 11));
    }

    [Fact]
    public void Sequences_that_fall_out_of_the_window_are_forgotten_and_taken_as_new_never_dropped()
    {
        var recent = new RecentSequences(window: 64, maxDevices: 10);
        for (var seq = 0; seq < 64; seq++) Assert.True(recent.Add("kiosk-a", seq, null));
        Assert.True(recent.Add("kiosk-a", 64, null)); // seq 0 leaves the window
        Assert.False(recent.Contains("kiosk-a", 0));
        Assert.True(recent.Add("kiosk-a", 0, null)); // too old to tell: written again rather than lost
        Assert.True(recent.Contains("kiosk-a", 1));
        // A jump past the whole window forgets everything before it (the slots are reused, not mistaken).
        Assert.True(recent.Add("kiosk-a", 1000, null));
        for (var seq = 937; seq < 1000; seq++) Assert.False(recent.Contains("kiosk-a", seq));
        Assert.True(recent.Add("kiosk-a", 999, null));
        Assert.False(recent.Add("kiosk-a", 999, null));
        // A counter that restarted (a factory reset) is far below: new.
        Assert.True(recent.Add("kiosk-a", 3, null));
    }

    [Fact]
    public void A_counter_that_restarted_is_told_from_a_redelivery_by_the_devices_time()
    {
        var recent = new RecentSequences(window: 1024, maxDevices: 10);
        var start = new DateTimeOffset(2026, 11, 1, 18, 0, 0, TimeSpan.Zero);
        for (var seq = 1; seq <= 150; seq++) Assert.True(recent.Add("kiosk-a", seq, start.AddMinutes(seq)));
        Assert.False(recent.Add("kiosk-a", 140, start.AddMinutes(140))); // redelivered: same seq, same time

        // Reflashed: seq 1, 2, 3 again, days later. Within the window, but later than the newest: new messages.
        var reflashed = start.AddDays(5);
        for (var seq = 1; seq <= 3; seq++) Assert.True(recent.Add("kiosk-a", seq, reflashed.AddMinutes(seq)));
        Assert.False(recent.Add("kiosk-a", 2, reflashed.AddMinutes(2))); // and their redeliveries are still recognised
        // Sent before the reflash, held by an outage, arriving now: new, and the new count goes on undisturbed.
        Assert.True(recent.Add("kiosk-a", 151, start.AddMinutes(151)));
        Assert.True(recent.Add("kiosk-a", 151, start.AddMinutes(151))); // not remembered: the sinks absorb a second write
        Assert.True(recent.Add("kiosk-a", 4, reflashed.AddMinutes(4)));
        Assert.False(recent.Add("kiosk-a", 3, reflashed.AddMinutes(3)));
        // A time the gateway put in (the device's was absent) says nothing about a restart: the sequence decides.
        Assert.False(recent.Add("kiosk-a", 4, null));
    }

    [Fact]
    public void A_gap_clears_the_slots_it_reuses()
    {
        var recent = new RecentSequences(window: 64, maxDevices: 10);
        for (var seq = 0; seq < 64; seq++) recent.Add("fridge-a", seq, null);
        recent.Add("fridge-a", 70, null); // 65..69 never came: their slots (1..5) held 1..5 and must not say "seen"
        for (var seq = 65; seq < 70; seq++) Assert.False(recent.Contains("fridge-a", seq));
        Assert.True(recent.Contains("fridge-a", 10));
        Assert.False(recent.Contains("fridge-a", 6)); // out of the window now
    }

    [Fact]
    public void Past_its_capacity_it_forgets_the_device_it_remembered_first()
    {
        var recent = new RecentSequences(window: 64, maxDevices: 2);
        recent.Add("fridge-a", 1, null);
        recent.Add("fridge-b", 1, null);
        recent.Add("fridge-c", 1, null);
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
                Assert.Equal(expected, recent.Add(device, seq, null));
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
