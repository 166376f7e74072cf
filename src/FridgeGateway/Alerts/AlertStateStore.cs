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

/// <summary>One gateway: the alert state machines kept across restarts in one JSON file, replaced atomically.</summary>
public sealed class AlertStateStore(string path) : IAlertStateKeeper
{
    private sealed record Saved(Dictionary<string, DeviceAlertState> Devices, Dictionary<string, DeviceKind> Kinds);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public void Load(AlertEngine engine)
    {
        if (!File.Exists(path)) return;
        var saved = JsonSerializer.Deserialize<Saved>(File.ReadAllBytes(path), Json);
        if (saved is not null) engine.Restore(saved.Devices, saved.Kinds);
    }

    /// <summary>The state at one moment, numbered so that a newer copy is never overwritten by an older one.</summary>
    public sealed record AlertSnapshot(long Version, ChunkedBuffer Json);

    private readonly Lock _gate = new();
    private long _taken;
    private long _written;
    private bool _unsaved;

    public void Save(AlertEngine engine) => Write(Snapshot(engine));

    public SaveAlertState? Copy(AlertEngine engine, bool periodic)
    {
        var changes = engine.TakeChanges();
        _unsaved |= changes.Count > 0;
        if (!(periodic && _unsaved) && !changes.Values.Any(course => course)) return null;
        _unsaved = false;
        var snapshot = Snapshot(engine);
        return _ => { Write(snapshot); return Task.CompletedTask; };
    }

    /// <summary>
    /// A copy of the state, taken where the engine is used (it is not thread-safe): the <see cref="Saved"/> shape,
    /// written straight from the engine's dictionaries into chunks under the large-object threshold. At 10,000
    /// devices the copy is about 4.6 MB, taken every <c>Alerts__SaveEvery</c> and with every change of an alert's
    /// course; as one array (and the serializer's doubling buffers before it) it was the gateway's whole
    /// large-object churn, ~1.2 MB/s that only a full collection gives back (issue 20).
    /// </summary>
    public AlertSnapshot Snapshot(AlertEngine engine)
    {
        var buffer = new ChunkedBuffer();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(nameof(Saved.Devices));
            JsonSerializer.Serialize(writer, engine.Devices, Json);
            writer.WritePropertyName(nameof(Saved.Kinds));
            JsonSerializer.Serialize(writer, engine.Kinds, Json);
            writer.WriteEndObject();
        }
        return new(Interlocked.Increment(ref _taken), buffer);
    }

    /// <summary>Writes a copy (fsync, then rename over the old file) unless a newer one is on disk already.</summary>
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
        }
    }
}

/// <summary>
/// Several replicas: each device's alert state kept retained on the broker by the holder of the alert session
/// (<see cref="Mqtt.AlertOwnership"/>). A change of an alert's course is saved before its message is
/// acknowledged; a device's times seen alone (its last message, the last input of each alert) only every
/// <c>Alerts__SaveEvery</c>, so a steady fleet does not double the broker's traffic. What the next holder may
/// miss of those times is at most that period: an out-of-order reading that old counted once more, or a
/// silence measured from up to that much earlier.
/// </summary>
public sealed class RetainedAlertState(Mqtt.AlertOwnership ownership) : IAlertStateKeeper
{
    private readonly HashSet<string> _timesOnly = new(StringComparer.Ordinal);

    public SaveAlertState? Copy(AlertEngine engine, bool periodic)
    {
        var tenure = ownership.Tenure;
        var changes = engine.TakeChanges();
        var devices = new List<(string Device, byte[] State)>();
        foreach (var (device, course) in changes)
        {
            if (course || periodic) devices.Add((device, Serialize(engine, device)));
            else _timesOnly.Add(device);
        }
        if (periodic)
        {
            // Only devices the engine still has: a new tenure restored it from the retained states meanwhile.
            foreach (var device in _timesOnly)
                if (!changes.ContainsKey(device) && engine.Devices.ContainsKey(device)) devices.Add((device, Serialize(engine, device)));
            _timesOnly.Clear();
        }
        if (devices.Count == 0 || tenure == 0) return null;
        return ct => ownership.SaveAsync(tenure, devices, ct);
    }

    private static byte[] Serialize(AlertEngine engine, string device) =>
        Mqtt.AlertOwnership.Serialize(engine.Kinds.GetValueOrDefault(device, DeviceKind.Fridge), engine.Devices[device]);
}

/// <summary>
/// Bytes written in chunks of 64 KiB, below the large-object heap's threshold: a big text made and dropped often
/// stays in the young generation, which is collected cheaply and often, instead of the large-object heap.
/// </summary>
public sealed class ChunkedBuffer : IBufferWriter<byte>
{
    private const int ChunkSize = 64 * 1024;
    private readonly List<(byte[] Chunk, int Used)> _full = [];
    private byte[] _current = [];
    private int _used;

    public long Length => _full.Sum(c => (long)c.Used) + _used;

    public void Advance(int count) => _used += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(_used);

    public Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(_used);

    public void WriteTo(Stream destination)
    {
        foreach (var (chunk, used) in _full) destination.Write(chunk, 0, used);
        destination.Write(_current, 0, _used);
    }

    private byte[] Reserve(int sizeHint)
    {
        if (_current.Length - _used >= Math.Max(sizeHint, 1)) return _current;
        if (_used > 0) _full.Add((_current, _used));
        // Not zeroed: only what was written is ever read.
        _current = GC.AllocateUninitializedArray<byte>(Math.Max(ChunkSize, sizeHint));
        _used = 0;
        return _current;
    }
}
