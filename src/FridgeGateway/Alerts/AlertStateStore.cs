using System.Text.Json;
using FridgeGateway.Contract;

namespace FridgeGateway.Alerts;

/// <summary>Keeps the alert state machines across restarts: one JSON file, replaced atomically.</summary>
public sealed class AlertStateStore(string path)
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

    public void Save(AlertEngine engine) => Write(Snapshot(engine));

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
