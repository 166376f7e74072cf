using System.Globalization;

namespace FridgeGateway.Spool;

/// <summary>
/// An append-only, fsynced queue of records on disk: what a sink could not take yet. Records are
/// appended to numbered segment files; a cursor file says where replay stands. Replayed records are
/// removed a segment at a time. Thread-safe: one writer path and one replay path may use it at once.
/// </summary>
public sealed class DurableSpool : IDisposable
{
    private const long SegmentBytes = 16 * 1024 * 1024;
    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly Lock _gate = new();
    private readonly List<long> _segments = [];
    private FileStream? _writer;
    private long _readSegment;
    private long _readOffset;
    private long _pendingBytes;
    private int _pendingRecords;

    /// <summary>Opens (or creates) the spool in <paramref name="directory"/>, dropping a torn tail.</summary>
    public DurableSpool(string directory, long maxBytes, Action<string>? warn = null)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.EnumerateFiles(directory, "*.seg"))
            if (long.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                _segments.Add(n);
        _segments.Sort();
        (_readSegment, _readOffset) = ReadCursor();
        _segments.RemoveAll(s => s < _readSegment);
        Recover(warn ?? (_ => { }));
    }

    public long PendingBytes { get { lock (_gate) return _pendingBytes; } }
    public int PendingRecords { get { lock (_gate) return _pendingRecords; } }
    public bool IsEmpty => PendingRecords == 0;

    /// <summary>
    /// Why an append failed for want of disk space in the last few seconds (null otherwise): the spool is full
    /// too. It expires by itself, since a sink that recovers writes directly and never appends again.
    /// </summary>
    public string? DiskFull { get { lock (_gate) return Environment.TickCount64 - _diskFullAt < 10_000 ? _diskFull : null; } }
    private string? _diskFull;
    private long _diskFullAt = long.MinValue / 2;

    /// <summary>
    /// Appends a record and fsyncs it. False when it would take the spool over its byte cap, or when the disk
    /// has no room for it (rule "Outages are absorbed, not passed on"): then the torn bytes are cut off again, so the records appended later never
    /// follow a torn one, and the caller holds its batch until there is room.
    /// </summary>
    public bool TryAppend(ReadOnlySpan<byte> payload)
    {
        var record = SpoolRecord.Encode(payload);
        lock (_gate)
        {
            // An empty spool always takes one record, so that a batch larger than the cap cannot wedge it.
            if (_pendingRecords > 0 && _pendingBytes + record.Length > _maxBytes) return false;
            FileStream? writer = null;
            var before = 0L;
            try
            {
                writer = WriterFor(record.Length);
                before = writer.Length;
                writer.Write(record);
                writer.Flush(flushToDisk: true); // rule "Nothing acknowledged is lost": durable before it is acknowledged
            }
            catch (IOException e) when (IsDiskFull(e))
            {
                _diskFull = e.Message;
                _diskFullAt = Environment.TickCount64;
                if (writer is not null) CutTornAppend(writer, before);
                return false;
            }
            _diskFull = null;
            _pendingBytes += record.Length;
            _pendingRecords++;
            return true;
        }
    }

    /// <summary>ENOSPC or EDQUOT (the runtime puts the errno in HResult on Unix), or Windows' disk-full codes.</summary>
    public static bool IsDiskFull(IOException e) => e.HResult is 28 or 122 or unchecked((int)0x80070070) or unchecked((int)0x80070027);

    private void CutTornAppend(FileStream writer, long length)
    {
        var path = writer.Name;
        _writer = null;
        try { writer.Dispose(); } catch (IOException) { } // its buffer cannot be written either
        try
        {
            using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read | FileShare.Delete))
            {
                truncate.SetLength(length);
                truncate.Flush(flushToDisk: true);
            }
            _writer = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, 1 << 16);
        }
        catch (IOException)
        {
            // Left for the next append (WriterFor opens a new segment) or for recovery at start, which cuts a torn tail.
        }
    }

    /// <summary>The oldest record not yet replayed, or null when the spool is empty.</summary>
    public byte[]? Peek()
    {
        lock (_gate)
        {
            while (_pendingRecords > 0)
            {
                var path = SegmentPath(_readSegment);
                if (File.Exists(path))
                {
                    using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    if (_readOffset < stream.Length)
                    {
                        stream.Position = _readOffset;
                        return ReadRecord(stream) ?? throw new InvalidDataException($"spool record at {path}:{_readOffset} is corrupt");
                    }
                }
                // This segment is done: move to the next one.
                var next = _segments.FirstOrDefault(s => s > _readSegment, -1);
                if (next < 0) return null;
                DeleteSegment(_readSegment);
                _readSegment = next;
                _readOffset = 0;
                WriteCursor();
            }
            return null;
        }
    }

    /// <summary>Marks the record returned by <see cref="Peek"/> as delivered.</summary>
    public void Commit(byte[] peeked)
    {
        lock (_gate)
        {
            var size = SpoolRecord.HeaderSize + peeked.Length;
            _readOffset += size;
            _pendingBytes -= size;
            _pendingRecords--;
            if (_pendingRecords == 0 && _writer is not null && _readSegment == _segments[^1])
            {
                // Everything replayed: start afresh so the folder does not keep growing.
                _writer.Dispose();
                _writer = null;
                DeleteSegment(_readSegment);
                _readSegment++;
                _readOffset = 0;
            }
            WriteCursor();
        }
    }

    public void Dispose()
    {
        lock (_gate) { _writer?.Dispose(); _writer = null; }
    }

    private FileStream WriterFor(int recordLength)
    {
        if (_writer is not null && _writer.Length + recordLength <= SegmentBytes) return _writer;
        _writer?.Dispose();
        var number = _segments.Count == 0 ? _readSegment : _segments[^1] + 1;
        _segments.Add(number);
        _writer = new FileStream(SegmentPath(number), FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, 1 << 16);
        return _writer;
    }

    private void Recover(Action<string> warn)
    {
        foreach (var segment in _segments.ToList())
        {
            var path = SegmentPath(segment);
            long goodEnd;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                stream.Position = segment == _readSegment ? Math.Min(_readOffset, stream.Length) : 0;
                goodEnd = stream.Position;
                while (ReadRecord(stream) is { } payload)
                {
                    _pendingRecords++;
                    _pendingBytes += SpoolRecord.HeaderSize + payload.Length;
                    goodEnd = stream.Position;
                }
                if (goodEnd == stream.Length) continue;
                warn($"spool segment {path} has a torn or corrupt record at byte {goodEnd} of {stream.Length}: discarding the tail (it was never acknowledged)");
            }
            using var truncate = new FileStream(path, FileMode.Open, FileAccess.Write);
            truncate.SetLength(goodEnd);
            truncate.Flush(flushToDisk: true);
        }
        if (_segments.Count > 0) _writer = new FileStream(SegmentPath(_segments[^1]), FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, 1 << 16);
    }

    /// <summary>Reads one record at the stream's position; null (position unchanged) when torn or absent.</summary>
    private static byte[]? ReadRecord(FileStream stream)
    {
        var start = stream.Position;
        Span<byte> header = stackalloc byte[SpoolRecord.HeaderSize];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length) { stream.Position = start; return null; }
        var length = SpoolRecord.PayloadLength(header);
        if (length < 0 || start + SpoolRecord.HeaderSize + length > stream.Length) { stream.Position = start; return null; }
        var payload = new byte[length];
        stream.ReadExactly(payload);
        if (!SpoolRecord.ChecksumMatches(header, payload)) { stream.Position = start; return null; }
        return payload;
    }

    private (long Segment, long Offset) ReadCursor()
    {
        var path = Path.Combine(_directory, "cursor");
        if (File.Exists(path))
        {
            var parts = File.ReadAllText(path).Split(' ');
            if (parts.Length == 2 && long.TryParse(parts[0], CultureInfo.InvariantCulture, out var segment)
                && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var offset))
                return (segment, offset);
        }
        return (_segments.Count > 0 ? _segments[0] : 0, 0);
    }

    private void WriteCursor()
    {
        // Write-then-rename: a crash leaves the old cursor or the new one, never half of one. Replaying a
        // record twice after a crash is harmless: every sink write is idempotent (rule "Everything counts once").
        var path = Path.Combine(_directory, "cursor");
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{_readSegment} {_readOffset}")));
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    private void DeleteSegment(long segment)
    {
        _segments.Remove(segment);
        File.Delete(SegmentPath(segment));
    }

    private string SegmentPath(long segment) => Path.Combine(_directory, segment.ToString("D12", CultureInfo.InvariantCulture) + ".seg");
}
