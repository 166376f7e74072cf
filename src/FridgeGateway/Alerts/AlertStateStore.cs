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

    public void Save(AlertEngine engine)
    {
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(file, new Saved(new(engine.Devices), new(engine.Kinds)), Json);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
