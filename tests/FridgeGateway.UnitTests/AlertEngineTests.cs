using FridgeGateway.Alerts;
using FridgeGateway.Contract;

namespace FridgeGateway.UnitTests;

public sealed class AlertEngineTests
{
    private const string Device = "fridge-stfut-01";
    private static readonly DateTimeOffset T0 = new(2026, 7, 14, 12, 0, 0, TimeSpan.Zero);
    private readonly AlertEngine _engine = new(_ => new AlertThresholds());
    private long _seq;

    private IReadOnlyList<AlertTransition> Reading(double minutes, double tempC, bool? doorOpen = null, bool? onBattery = null) =>
        _engine.Observe(new Reading(DeviceKind.Fridge, Device, ++_seq, T0.AddMinutes(minutes), false, tempC, null, doorOpen, null, null, onBattery, null, null, null, null));

    private IReadOnlyList<AlertTransition> Event(double minutes, string type) =>
        _engine.Observe(new DeviceEvent(DeviceKind.Fridge, Device, ++_seq, T0.AddMinutes(minutes), false, type, null));

    [Fact]
    public void Temperature_high_is_raised_only_after_15_minutes_above_8_degrees()
    {
        Assert.Empty(Reading(0, 9));
        Assert.Empty(Reading(10, 9.5));
        var raised = Assert.Single(Reading(15, 10));
        Assert.Equal((AlertType.TemperatureHigh, true, T0, 10.0), (raised.Type, raised.Raised, raised.Since, raised.Value));
    }

    [Fact]
    public void A_clear_names_the_alert_it_ends_and_carries_the_peak_warmest_or_coldest()
    {
        Reading(0, 9);
        Reading(15, 10);          // raised at T0, 10 °C
        Reading(20, 12.5);
        Reading(25, 11);
        var cleared = Assert.Single(Reading(30, 6.5));
        Assert.Equal((false, T0, 12.5, T0.AddMinutes(30)), (cleared.Raised, cleared.StartedAt, cleared.Peak, cleared.At));

        Reading(40, -2);
        var frozen = Assert.Single(Reading(45, -1.5)).StartedAt; // raised after 5 minutes below −1 °C
        Reading(46, -3);
        Reading(48, -4.5);
        Reading(49, -2);
        var thawed = Assert.Single(Reading(50, 1));
        Assert.Equal((AlertType.TemperatureLow, frozen, -4.5), (thawed.Type, thawed.StartedAt, thawed.Peak));
        Assert.Equal(T0.AddMinutes(40), frozen);
    }

    [Fact]
    public void Changes_say_when_an_alert_changed_course_and_when_only_the_times_seen_moved()
    {
        Reading(0, 5);
        Assert.False(_engine.TakeChanges()[Device]);          // a first, normal reading: times only
        Assert.Empty(_engine.TakeChanges());                          // taken: nothing left
        Reading(1, 5.5);
        Assert.False(Assert.Single(_engine.TakeChanges()).Value);
        Reading(2, 9);                                                // a condition begins: not raised yet, but its start must be kept
        Assert.True(_engine.TakeChanges()[Device]);
        Reading(10, 9.2);                                             // still building, same start
        Assert.False(_engine.TakeChanges()[Device]);
        Reading(17, 10);                                              // raised
        Reading(18, 10);                                              // then a times-only reading: the course change is not forgotten
        Assert.True(_engine.TakeChanges()[Device]);
        Reading(19, 11);                                              // a new peak
        Assert.True(_engine.TakeChanges()[Device]);
        Reading(20, 10.5);                                            // below the peak, still raised
        Assert.False(_engine.TakeChanges()[Device]);
        Assert.Single(_engine.Tick(T0.AddHours(2)));                  // silent: offline raised by the clock
        Assert.True(_engine.TakeChanges()[Device]);
        Assert.Empty(_engine.Tick(T0.AddHours(3)));                   // already raised: no change
        Assert.Empty(_engine.TakeChanges());
    }

    [Fact]
    public async Task The_file_keeper_saves_a_change_of_course_at_once_and_times_only_when_periodic()
    {
        var path = Path.GetTempFileName();
        File.Delete(path);
        try
        {
            var store = new AlertStateStore(path);
            Reading(0, 5);
            Assert.Null(store.Copy(_engine, periodic: false));      // times only: not yet
            var periodic = store.Copy(_engine, periodic: true);      // ... but at the next period, though nothing moved since
            Assert.NotNull(periodic);
            Assert.Null(store.Copy(_engine, periodic: true));        // nothing unsaved
            Reading(1, 9);
            var course = store.Copy(_engine, periodic: false);
            Assert.NotNull(course);
            await course(CancellationToken.None);
            var restarted = new AlertEngine(_ => new AlertThresholds());
            new AlertStateStore(path).Load(restarted);
            Assert.Equal(T0.AddMinutes(1), restarted.Devices[Device].Slot(AlertType.TemperatureHigh).ConditionSince);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void The_peak_survives_a_restart_with_the_saved_state()
    {
        Reading(0, 9);
        Reading(15, 10);
        Reading(20, 14);
        var path = Path.GetTempFileName();
        try
        {
            new AlertStateStore(path).Save(_engine);
            var restarted = new AlertEngine(_ => new AlertThresholds());
            new AlertStateStore(path).Load(restarted);
            var cleared = Assert.Single(restarted.Observe(new Reading(DeviceKind.Fridge, Device, 99, T0.AddMinutes(30), false, 5, null, null, null, null, null, null, null, null, null)));
            Assert.Equal((T0, 14.0), (cleared.StartedAt, cleared.Peak));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_short_warm_spell_does_not_raise_and_restarts_the_clock()
    {
        Assert.Empty(Reading(0, 9));
        Assert.Empty(Reading(10, 5));
        Assert.Empty(Reading(20, 9));
        Assert.Empty(Reading(30, 9));
        Assert.Single(Reading(35, 9));
    }

    [Fact]
    public void Temperature_high_clears_only_below_the_hysteresis_threshold()
    {
        Reading(0, 9); Reading(15, 9);
        Assert.Empty(Reading(16, 7.5)); // below 8 but above 7: still raised
        var cleared = Assert.Single(Reading(17, 6.9));
        Assert.Equal((AlertType.TemperatureHigh, false), (cleared.Type, cleared.Raised));
    }

    [Fact]
    public void An_older_warm_reading_arriving_after_the_clearing_one_does_not_raise_again()
    {
        Reading(0, 9); Reading(15, 9);
        Assert.Single(Reading(30, 4));
        Assert.Empty(Reading(20, 12)); // delivered late, measured before the clear
        Assert.False(_engine.Devices[Device].Slot(AlertType.TemperatureHigh).Raised);
    }

    [Fact]
    public void Readings_delivered_out_of_order_still_raise_when_the_newest_shows_the_duration()
    {
        Assert.Empty(Reading(0, 9));
        Assert.Single(Reading(16, 9));
        Assert.Empty(Reading(8, 9)); // the middle one, late: no second raise
    }

    [Fact]
    public void Freezing_raises_temperature_low()
    {
        Assert.Empty(Reading(0, -2));
        var raised = Assert.Single(Reading(5, -2.5));
        Assert.Equal(AlertType.TemperatureLow, raised.Type);
        Assert.Equal(AlertType.TemperatureLow, Assert.Single(Reading(6, 1)).Type);
    }

    [Fact]
    public void A_door_open_for_3_minutes_raises_and_closing_it_clears()
    {
        Assert.Empty(Event(0, "door_opened"));
        Assert.Empty(Reading(2, 4, doorOpen: true));
        var raised = Assert.Single(Reading(3, 5, doorOpen: true));
        Assert.Equal((AlertType.DoorOpenTooLong, true, 3.0), (raised.Type, raised.Raised, raised.Value));
        var cleared = Assert.Single(Event(4, "door_closed"));
        Assert.Equal((AlertType.DoorOpenTooLong, false), (cleared.Type, cleared.Raised));
    }

    [Fact]
    public void Power_lost_is_raised_at_once_by_the_event_or_by_battery_and_cleared_on_restore()
    {
        Assert.Equal(AlertType.PowerLost, Assert.Single(Event(0, "power_lost")).Type);
        Assert.Empty(Reading(1, 4, onBattery: true));
        Assert.False(Assert.Single(Event(2, "power_restored")).Raised);
        Assert.True(Assert.Single(Reading(3, 4, onBattery: true)).Raised);
        Assert.False(Assert.Single(Reading(4, 4, onBattery: false)).Raised);
    }

    [Fact]
    public void An_older_power_lost_event_after_power_restored_does_not_raise()
    {
        Event(10, "power_lost");
        Event(20, "power_restored");
        Assert.Empty(Event(15, "power_lost"));
    }

    [Fact]
    public void Offline_is_raised_by_the_will_message_and_cleared_by_any_message()
    {
        Reading(0, 4);
        var raised = Assert.Single(_engine.Observe(new DeviceStatus(Device, false, T0.AddMinutes(1))));
        Assert.Equal((AlertType.Offline, true), (raised.Type, raised.Raised));
        Assert.Empty(_engine.Observe(new DeviceStatus(Device, false, T0.AddMinutes(2))));
        var cleared = Assert.Single(Reading(3, 4));
        Assert.Equal((AlertType.Offline, false), (cleared.Type, cleared.Raised));
    }

    [Fact]
    public void Offline_cleared_by_the_oldest_buffered_message_ends_when_it_began_never_before()
    {
        Reading(0, 4);
        Assert.Single(_engine.Observe(new DeviceStatus(Device, false, T0.AddMinutes(30)))); // the will, on the gateway's clock
        var cleared = Assert.Single(Reading(1, 4));                                            // the buffer's first message, from minute 1
        Assert.Equal((AlertType.Offline, false, T0.AddMinutes(30), T0.AddMinutes(30)), (cleared.Type, cleared.Raised, cleared.StartedAt, cleared.At));
    }

    [Fact]
    public void Silence_longer_than_five_reporting_intervals_raises_offline_once()
    {
        Reading(0, 4);
        Assert.Empty(_engine.Tick(T0.AddMinutes(4)));
        var raised = Assert.Single(_engine.Tick(T0.AddMinutes(6)));
        Assert.Equal((AlertType.Offline, true, T0), (raised.Type, raised.Raised, raised.Since));
        Assert.Empty(_engine.Tick(T0.AddMinutes(7)));
    }

    [Fact]
    public void A_devices_kind_is_kept_when_it_changes_and_again_after_a_restore_that_lacks_it()
    {
        Reading Of(DeviceKind kind, long seq) => new(kind, "kiosk-fest-02", seq, T0.AddSeconds(seq), false, 4, null, null, null, null, null, null, null, null, null);
        _engine.Observe(Of(DeviceKind.Fridge, 1));
        _engine.Observe(Of(DeviceKind.Kiosk, 2));
        Assert.Equal(DeviceKind.Kiosk, _engine.Kinds["kiosk-fest-02"]);

        // The same state objects restored without their kinds: the next message keeps the kind again.
        _engine.Restore(new Dictionary<string, DeviceAlertState>(_engine.Devices), new Dictionary<string, DeviceKind>());
        Assert.False(_engine.Kinds.ContainsKey("kiosk-fest-02"));
        _engine.Observe(Of(DeviceKind.Kiosk, 3));
        Assert.Equal(DeviceKind.Kiosk, _engine.Kinds["kiosk-fest-02"]);
    }

    [Fact]
    public void Kiosks_use_their_own_thresholds()
    {
        var engine = new AlertEngine(kind => kind == DeviceKind.Kiosk ? new AlertThresholds { HighC = 10, HighFor = TimeSpan.Zero } : new AlertThresholds());
        Assert.Empty(engine.Observe(new Reading(DeviceKind.Kiosk, "kiosk-fest-01", 1, T0, false, 9.5, null, null, null, null, null, null, null, null, null)));
        Assert.Single(engine.Observe(new Reading(DeviceKind.Kiosk, "kiosk-fest-01", 2, T0.AddSeconds(1), false, 10.5, null, null, null, null, null, null, null, null, null)));
    }

    [Fact]
    public void State_saved_and_loaded_continues_where_it_was()
    {
        Reading(0, 9); Reading(15, 9);
        var path = Path.Combine(Path.GetTempPath(), $"alerts-{Guid.NewGuid():N}.json");
        try
        {
            new AlertStateStore(path).Save(_engine);
            var restarted = new AlertEngine(_ => new AlertThresholds());
            new AlertStateStore(path).Load(restarted);

            Assert.Empty(restarted.Observe(new Reading(DeviceKind.Fridge, Device, 99, T0.AddMinutes(16), false, 9, null, null, null, null, null, null, null, null, null)));
            var cleared = Assert.Single(restarted.Observe(new Reading(DeviceKind.Fridge, Device, 100, T0.AddMinutes(17), false, 3, null, null, null, null, null, null, null, null, null)));
            Assert.False(cleared.Raised);
        }
        finally { File.Delete(path); }
    }
}
