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
    public sealed record AlertSnapshot(long Version, byte[] Json);

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

    /// <summary>A copy of the state, taken where the engine is used (it is not thread-safe).</summary>
    public AlertSnapshot Snapshot(AlertEngine engine) =>
        new(Interlocked.Increment(ref _taken), JsonSerializer.SerializeToUtf8Bytes(new Saved(new(engine.Devices), new(engine.Kinds)), Json));

    /// <summary>Writes a copy (fsync, then rename over the old file) unless a newer one is on disk already.</summary>
    public void Write(AlertSnapshot snapshot)
    {
        lock (_gate)
        {
            if (snapshot.Version <= _written) return;
            var temp = path + ".tmp";
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                file.Write(snapshot.Json);
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
