using System.Buffers;
using System.Text.Json;
using FridgeGateway.Contract;

namespace FridgeGateway.Alerts;

/// <summary>Writes a copy of the alert state taken earlier; done before the messages that moved it are acknowledged.</summary>
public delegate Task SaveAlertState(CancellationToken cancellationToken);

/// <summary>Where the alert state is kept between the messages that moved it and their acknowledgement.</summary>
public interface IAlertStateKeeper
{
    /// <summary>
    /// A copy of what must be saved now — what changed an alert's course always, the rest when
    /// <paramref name="periodic"/> — taken on the batch writer's thread (the engine is not thread-safe); null when nothing.
    /// </summary>
    SaveAlertState? Copy(AlertEngine engine, bool periodic);
}

/// <summary>
/// One gateway: the alert state machines kept across restarts in its spool folder — a snapshot of every device
/// (<c>alert-state.json</c>, replaced atomically) and after it a journal of the devices saved since
/// (<c>alert-state.journal</c>, a JSON line per device, appended).
/// </summary>
/// <remarks>
/// A change of an alert's course is saved before its message is acknowledged, and a fleet's doors open all day:
/// saving every device for it (the whole fleet's JSON, with every batch that holds one) cost more than the batch
/// (docs/benchmarks.md, "The alert state under a fleet whose doors open"). So a batch appends only the devices it moved; the devices whose times alone moved are
/// saved every <c>Alerts__SaveEvery</c>, as a new snapshot when they are most of the fleet (a steady fleet: every
/// device reports within the period), which also empties the journal. Every copy is numbered in the order it was
/// taken; copies may be written out of that order (batches overlap), so what is read back is, per device, the
/// highest-numbered of the snapshot and the journal's lines.
/// </remarks>
public sealed class AlertStateStore(string path) : IAlertStateKeeper
{
    private sealed record Saved(Dictionary<string, DeviceAlertState> Devices, Dictionary<string, DeviceKind> Kinds, long Version = 0);

    /// <summary>A journal line: one device's state as of copy <paramref name="Version"/>.</summary>
    private sealed record JournalEntry(long Version, string Device, DeviceKind Kind, DeviceAlertState State);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>The journal is folded into a new snapshot once it is this big (or as big as the last snapshot).</summary>
    private const long JournalLimit = 1 << 20;

    private readonly string _journal = Path.ChangeExtension(path, ".journal");
    private readonly Lock _gate = new();
    private long _taken;     // the number of the last copy taken (the engine's thread)
    private long _written;   // the number of the newest snapshot written (under _gate)
    private long _journalNewest; // the number of the newest line in the journal (under _gate)
    private long _journalSinceSnapshot; // bytes copied for the journal since the last snapshot was copied (the engine's thread)
    private long _snapshotBytes;
    // Devices whose times seen alone moved since the last periodic save (the engine's thread): a change of course is saved at once.
    private readonly HashSet<string> _timesOnly = new(StringComparer.Ordinal);

    public void Load(AlertEngine engine)
    {
        var saved = File.Exists(path) ? JsonSerializer.Deserialize<Saved>(File.ReadAllBytes(path), Json) : null;
        var devices = saved?.Devices ?? new Dictionary<string, DeviceAlertState>(StringComparer.Ordinal);
        var kinds = saved?.Kinds ?? new Dictionary<string, DeviceKind>(StringComparer.Ordinal);
        var snapshotVersion = saved?.Version ?? 0;
        var newest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in ReadJournal())
        {
            if (entry.Version <= snapshotVersion || entry.Version <= newest.GetValueOrDefault(entry.Device)) continue;
            newest[entry.Device] = entry.Version;
            devices[entry.Device] = entry.State;
            kinds[entry.Device] = entry.Kind;
        }
        if (saved is not null || newest.Count > 0) engine.Restore(devices, kinds);
        // Copies from now on are numbered after everything on disk; the journal is emptied by the next snapshot.
        _journalNewest = newest.Values.DefaultIfEmpty(0).Max();
        _taken = _written = Math.Max(snapshotVersion, _journalNewest);
    }

    /// <summary>
    /// The journal's whole lines. A line cut short (a crash while it was appended: its batch was not acknowledged)
    /// is left out, and cut off the file, so that the next line appended starts on a line of its own.
    /// </summary>
    private List<JournalEntry> ReadJournal()
    {
        var entries = new List<JournalEntry>();
        if (!File.Exists(_journal)) return entries;
        var bytes = File.ReadAllBytes(_journal);
        var whole = bytes.AsSpan().LastIndexOf((byte)'\n') + 1;
        if (whole < bytes.Length)
        {
            using var file = new FileStream(_journal, FileMode.Open, FileAccess.Write);
            file.SetLength(whole);
            file.Flush(flushToDisk: true);
        }
        var rest = bytes.AsMemory(0, whole);
        int end;
        while ((end = rest.Span.IndexOf((byte)'\n')) >= 0)
        {
            var line = rest[..end];
            rest = rest[(end + 1)..];
            JournalEntry? entry;
            try { entry = JsonSerializer.Deserialize<JournalEntry>(line.Span, Json); }
            catch (JsonException) { continue; } // a whole line is one the gateway wrote: only a damaged disk gets here
            if (entry is not null) entries.Add(entry);
        }
        return entries;
    }

    public void Save(AlertEngine engine) => Write(Snapshot(engine));

    public SaveAlertState? Copy(AlertEngine engine, bool periodic)
    {
        var changes = engine.TakeChanges();
        var course = new List<string>();
        foreach (var (device, changedCourse) in changes)
            if (changedCourse) course.Add(device);
            else _timesOnly.Add(device);
        if (course.Count == 0 && !(periodic && _timesOnly.Count > 0)) return null;

        var due = course;
        if (periodic)
        {
            foreach (var device in _timesOnly) if (!changes.GetValueOrDefault(device)) due.Add(device);
            _timesOnly.Clear();
        }
        if (periodic && due.Count * 2 >= engine.Devices.Count || _journalSinceSnapshot > Math.Max(JournalLimit, _snapshotBytes))
        {
            // Most of the fleet, or a journal grown as big as a snapshot: a new snapshot, which the journal restarts from.
            var snapshot = Snapshot(engine);
            _timesOnly.Clear();
            _journalSinceSnapshot = 0;
            _snapshotBytes = snapshot.Json.Length;
            return _ => { Write(snapshot); return Task.CompletedTask; };
        }
        var lines = Lines(engine, due, ++_taken);
        _journalSinceSnapshot += lines.Json.Length;
        return _ => { Append(lines); return Task.CompletedTask; };
    }

    /// <summary>
    /// The state at one moment — every device's (a snapshot) or some devices' (journal lines) — numbered so that a
    /// newer copy is never overwritten by an older one.
    /// </summary>
    public sealed record AlertSnapshot(long Version, Utf8Chunks Json);

    /// <summary>
    /// A copy of the state, taken where the engine is used (it is not thread-safe): the <see cref="Saved"/> shape,
    /// written straight from the engine's dictionaries into chunks under the large-object threshold. As one array
    /// (and the serializer's doubling buffers before it) it was the gateway's whole large-object churn.
    /// </summary>
    public AlertSnapshot Snapshot(AlertEngine engine)
    {
        var version = ++_taken;
        var buffer = new Utf8Chunks();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(nameof(Saved.Devices));
            JsonSerializer.Serialize(writer, engine.Devices, Json);
            writer.WritePropertyName(nameof(Saved.Kinds));
            JsonSerializer.Serialize(writer, engine.Kinds, Json);
            writer.WriteNumber(nameof(Saved.Version), version);
            writer.WriteEndObject();
        }
        return new(version, buffer);
    }

    /// <summary>Some devices' states as journal lines, numbered like a snapshot.</summary>
    private static AlertSnapshot Lines(AlertEngine engine, List<string> devices, long version)
    {
        var buffer = new Utf8Chunks(firstChunk: devices.Count * 512); // a device's state: about 460 bytes
        using var writer = new Utf8JsonWriter(buffer);
        foreach (var device in devices)
        {
            if (!engine.Devices.TryGetValue(device, out var state)) continue;
            JsonSerializer.Serialize(writer, new JournalEntry(version, device, engine.Kinds.GetValueOrDefault(device, DeviceKind.Fridge), state), Json);
            writer.Flush();
            writer.Reset();
            buffer.Write("\n"u8);
        }
        return new(version, buffer);
    }

    /// <summary>Writes a copy (fsync, then rename over the old file) unless a newer one is on disk already; the journal it makes old is emptied.</summary>
    public void Write(AlertSnapshot snapshot)
    {
        lock (_gate)
        {
            if (snapshot.Version <= _written) return;
            var temp = path + ".tmp";
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                snapshot.Json.WriteTo(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            _written = snapshot.Version;
            // Lines newer than the snapshot (copied after it, written before it) stay; they are dropped with a later one.
            if (_journalNewest <= snapshot.Version) File.Delete(_journal);
        }
    }

    private void Append(AlertSnapshot lines)
    {
        lock (_gate)
        {
            if (lines.Version <= _written) return; // a newer snapshot holds these devices already
            using var file = new FileStream(_journal, FileMode.Append, FileAccess.Write);
            var before = file.Length;
            try
            {
                lines.Json.WriteTo(file);
                file.Flush(flushToDisk: true);
            }
            catch
            {
                // Cut back what part was written (a full disk), so that the retry's lines start on a line of their own.
                try { file.SetLength(before); } catch (IOException) { }
                throw;
            }
            _journalNewest = Math.Max(_journalNewest, lines.Version);
        }
    }
}
