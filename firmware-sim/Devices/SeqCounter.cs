using System.Globalization;

namespace FirmwareSim.Devices;

/// <summary>
/// A device's message counter, kept across restarts as firmware keeps it in flash: a block of
/// numbers is reserved on disk before any of it is used, so a restart (or a crash) skips ahead and
/// never reuses a seq. Gaps are allowed by the contract; repeats would be duplicates.
/// </summary>
public sealed class SeqCounter
{
    private const long Block = 1000;
    private readonly string? _path;
    private long _next;
    private long _reservedUntil;

    public SeqCounter(string? stateDirectory, string deviceId)
    {
        if (stateDirectory is null) return;
        Directory.CreateDirectory(stateDirectory);
        _path = Path.Combine(stateDirectory, deviceId + ".seq");
        if (File.Exists(_path) && long.TryParse(File.ReadAllText(_path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var reserved))
            _next = _reservedUntil = reserved;
    }

    public long Next()
    {
        if (_path is not null && _next >= _reservedUntil)
        {
            _reservedUntil = _next + Block;
            File.WriteAllText(_path, _reservedUntil.ToString(CultureInfo.InvariantCulture));
        }
        return _next++;
    }
}
