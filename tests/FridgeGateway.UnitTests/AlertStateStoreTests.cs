using System.Text;
using System.Text.Json;
using FridgeGateway.Alerts;
using FridgeGateway.Contract;

namespace FridgeGateway.UnitTests;

/// <summary>The single gateway's alert state on disk: a snapshot and a journal of the devices moved since.</summary>
public sealed class AlertStateStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 14, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("alert-state-").FullName;
    private readonly AlertEngine _engine = new(_ => new AlertThresholds());
    private long _seq;

    private string StatePath => Path.Combine(_dir, "alert-state.json");
    private string JournalPath => Path.Combine(_dir, "alert-state.journal");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A reading from each device; above 8 °C a warm spell begins (a change of course), at 4 °C it ends.</summary>
    private void Readings(int devices, double minutes, double tempC, int first = 0)
    {
        for (var i = first; i < first + devices; i++)
            _engine.Observe(new Reading(i % 3 == 0 ? DeviceKind.Kiosk : DeviceKind.Fridge, $"dev-{i:D4}", ++_seq, T0.AddMinutes(minutes), false, tempC,
                null, null, null, null, null, null, null, null, null));
    }

    private AlertEngine Restarted()
    {
        var restarted = new AlertEngine(_ => new AlertThresholds());
        new AlertStateStore(StatePath).Load(restarted);
        return restarted;
    }

    private static DateTimeOffset? WarmSince(AlertEngine engine, string device) => engine.Devices[device].Slot(AlertType.TemperatureHigh).ConditionSince;

    [Fact]
    public async Task A_change_of_course_appends_only_its_devices_and_a_restart_reads_the_snapshot_then_the_journal()
    {
        var store = new AlertStateStore(StatePath);
        Readings(100, 0, 4);
        await store.Copy(_engine, periodic: true)!(CancellationToken.None);   // the whole fleet: a snapshot
        var snapshot = File.ReadAllBytes(StatePath);
        Assert.False(File.Exists(JournalPath));

        Readings(2, 1, 9, first: 10);                                          // two devices begin a warm spell
        await store.Copy(_engine, periodic: false)!(CancellationToken.None);

        Assert.Equal(snapshot, File.ReadAllBytes(StatePath));                  // the snapshot untouched
        var lines = File.ReadAllLines(JournalPath);
        Assert.Equal(["dev-0010", "dev-0011"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("Device").GetString()));
        var restarted = Restarted();
        Assert.Equal(100, restarted.Devices.Count);
        Assert.Equal(T0.AddMinutes(1), WarmSince(restarted, "dev-0010"));
        Assert.Null(WarmSince(restarted, "dev-0012"));
        Assert.Equal(DeviceKind.Kiosk, restarted.Kinds["dev-0000"]);
    }

    [Fact]
    public async Task A_periodic_save_of_most_of_the_fleet_is_a_new_snapshot_and_empties_the_journal()
    {
        var store = new AlertStateStore(StatePath);
        Readings(10, 0, 9);
        await store.Copy(_engine, periodic: false)!(CancellationToken.None);  // ten warm spells begin: the journal
        Assert.True(File.Exists(JournalPath));
        Assert.False(File.Exists(StatePath));

        Readings(10, 1, 9);                                                    // times only...
        Assert.Null(store.Copy(_engine, periodic: false));                     // ... not yet
        await store.Copy(_engine, periodic: true)!(CancellationToken.None);   // ... but at the period, all ten: a snapshot
        Assert.True(File.Exists(StatePath));
        Assert.False(File.Exists(JournalPath));
        Assert.Equal(T0, WarmSince(Restarted(), "dev-0009"));
    }

    [Fact]
    public async Task Copies_written_out_of_the_order_they_were_taken_read_back_as_the_newest()
    {
        // A journal line taken before a snapshot but written after it: left out, the snapshot is newer.
        var store = new AlertStateStore(StatePath);
        Readings(4, 0, 9);
        var older = store.Copy(_engine, periodic: false)!;
        Readings(4, 1, 4);                                                     // the spells end
        var newer = store.Copy(_engine, periodic: true)!;
        await newer(CancellationToken.None);
        await older(CancellationToken.None);
        Assert.Null(WarmSince(Restarted(), "dev-0001"));

        // A snapshot taken before a journal line but written after it: the line stays and wins.
        Readings(4, 2, 4);
        var snapshot = store.Copy(_engine, periodic: true)!;
        Readings(1, 3, 9);
        var line = store.Copy(_engine, periodic: false)!;
        await line(CancellationToken.None);
        await snapshot(CancellationToken.None);
        Assert.True(File.Exists(JournalPath));
        var restarted = Restarted();
        Assert.Equal(T0.AddMinutes(3), WarmSince(restarted, "dev-0000"));
        Assert.Null(WarmSince(restarted, "dev-0001"));

        // After a restart, copies are numbered after what is on disk: a new line is not mistaken for an old one.
        var again = new AlertStateStore(StatePath);
        again.Load(restarted);
        restarted.Observe(new Reading(DeviceKind.Fridge, "dev-0001", 99, T0.AddMinutes(4), false, 9, null, null, null, null, null, null, null, null, null));
        await again.Copy(restarted, periodic: false)!(CancellationToken.None);
        Assert.Equal(T0.AddMinutes(4), WarmSince(Restarted(), "dev-0001"));
    }

    [Fact]
    public async Task A_line_cut_short_by_a_crash_is_left_out_and_the_lines_before_it_are_read()
    {
        var store = new AlertStateStore(StatePath);
        Readings(3, 0, 9);
        await store.Copy(_engine, periodic: false)!(CancellationToken.None);
        Readings(1, 1, 4, first: 2);
        await store.Copy(_engine, periodic: false)!(CancellationToken.None);
        var whole = File.ReadAllBytes(JournalPath);
        File.WriteAllBytes(JournalPath, whole[..^40]);                          // the last line cut, as by a crash mid-append

        var restarted = new AlertEngine(_ => new AlertThresholds());
        var again = new AlertStateStore(StatePath);
        again.Load(restarted);
        Assert.Equal(T0, WarmSince(restarted, "dev-0001"));
        Assert.Equal(T0, WarmSince(restarted, "dev-0002"));                     // its later line was cut: the earlier one stands

        // The cut line is gone from the file: the next line appended after the restart reads back.
        restarted.Observe(new Reading(DeviceKind.Fridge, "dev-0001", 99, T0.AddMinutes(2), false, 4, null, null, null, null, null, null, null, null, null));
        await again.Copy(restarted, periodic: false)!(CancellationToken.None);
        Assert.Null(WarmSince(Restarted(), "dev-0001"));
    }

    [Fact]
    public async Task A_journal_grown_past_its_limit_is_folded_into_a_snapshot()
    {
        var store = new AlertStateStore(StatePath);
        Readings(3_000, 0, 9);                                                  // 3,000 spells begin: over 1 MiB of lines
        await store.Copy(_engine, periodic: false)!(CancellationToken.None);
        Assert.True(new FileInfo(JournalPath).Length > 1 << 20);
        Readings(1, 1, 4);
        await store.Copy(_engine, periodic: false)!(CancellationToken.None);   // one more change: a snapshot instead
        Assert.False(File.Exists(JournalPath));
        var restarted = Restarted();
        Assert.Equal(3_000, restarted.Devices.Count);
        Assert.Null(WarmSince(restarted, "dev-0000"));
        Assert.Equal(T0, WarmSince(restarted, "dev-2999"));
    }

    [Fact]
    public void A_snapshot_larger_than_a_chunk_reads_back_whole_and_a_file_of_an_older_gateway_still_reads()
    {
        Readings(2_000, 0, 11);
        Readings(2_000, 20, 12);                                                // raised, peak 12
        new AlertStateStore(StatePath).Save(_engine);
        Assert.True(new FileInfo(StatePath).Length > 4 * 64 * 1024, "not enough to span the snapshot's chunks");
        var restarted = Restarted();
        Assert.Equal(_engine.Kinds.OrderBy(k => k.Key), restarted.Kinds.OrderBy(k => k.Key));
        Assert.Equal((T0, 12.0), (WarmSince(restarted, "dev-1999"), restarted.Devices["dev-1999"].Slot(AlertType.TemperatureHigh).Peak));

        // The file as gateways wrote it before the journal: no version, the same two maps.
        File.WriteAllBytes(StatePath, JsonSerializer.SerializeToUtf8Bytes(new
        {
            Devices = new Dictionary<string, DeviceAlertState>(_engine.Devices),
            Kinds = new Dictionary<string, DeviceKind>(_engine.Kinds),
        }));
        var older = Restarted();
        Assert.Equal(2_000, older.Devices.Count);
        Assert.Equal(T0, WarmSince(older, "dev-0007"));
    }
}
