using System.Buffers;

namespace FridgeGateway;

/// <summary>
/// UTF-8 kept in chunks of at most 64 KiB, under the large-object heap's threshold: text made and dropped often
/// stays in the young generation, collected cheaply, instead of the large-object heap. Two uses: a
/// batch's line protocol, one slice per message (<see cref="Add"/>: 5,000 messages waiting for their write and
/// acknowledgement are a handful of objects for the GC to follow, not 5,000 strings), and a text too big for one
/// array, written through an <see cref="IBufferWriter{T}"/> (the alert state, 4.6 MB at 10,000 devices) and
/// copied out with <see cref="WriteTo"/>. Chunks are not pooled, so a slice stays valid for as long as anything
/// holds it (a spool record, a dead letter).
/// </summary>
/// <param name="firstChunk">
/// The size expected in all, when known: the first chunk is only that big (at least 1 KiB), so that a small batch —
/// a paced load's 150 messages every 50 ms — is not a 64 KiB array each time.
/// </param>
public sealed class Utf8Chunks(int firstChunk = Utf8Chunks.ChunkSize) : IBufferWriter<byte>
{
    private const int ChunkSize = 64 * 1024;
    private readonly List<(byte[] Chunk, int Used)> _full = [];
    private byte[] _current = [];
    private int _used;
    private int _nextChunk = Math.Clamp(firstChunk, 1024, ChunkSize);

    public long Length => _full.Sum(c => (long)c.Used) + _used;

    /// <summary>Keeps <paramref name="text"/> in one piece (a text longer than a chunk gets one of its own) and returns it.</summary>
    public ReadOnlyMemory<byte> Add(ReadOnlySpan<byte> text)
    {
        text.CopyTo(GetSpan(text.Length));
        var slice = new ReadOnlyMemory<byte>(_current, _used, text.Length);
        _used += text.Length;
        return slice;
    }

    public void Advance(int count) => _used += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(_used);

    public Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(_used);

    /// <summary>Everything written, in order.</summary>
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
        _current = GC.AllocateUninitializedArray<byte>(Math.Max(_nextChunk, sizeHint));
        _nextChunk = ChunkSize;
        _used = 0;
        return _current;
    }
}
