using System.Buffers.Binary;
using System.IO.Hashing;

namespace FridgeGateway.Spool;

/// <summary>
/// The on-disk record of the spool: a 12-byte header (magic, payload length, CRC-32 of the payload)
/// followed by the payload. A record whose header or payload is incomplete or whose checksum does not
/// match is torn: it was being written when the process died, so it was never acknowledged.
/// </summary>
public static class SpoolRecord
{
    public const int HeaderSize = 12;
    public const uint Magic = 0x50535246; // "FRSP" little-endian
    public const int MaxPayload = 64 * 1024 * 1024;

    public static byte[] Encode(ReadOnlySpan<byte> payload)
    {
        var record = new byte[HeaderSize + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(record, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4), payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), Crc32.HashToUInt32(payload));
        payload.CopyTo(record.AsSpan(HeaderSize));
        return record;
    }

    /// <summary>Reads the payload length from a header, or -1 when the header is not a record's.</summary>
    public static int PayloadLength(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic) return -1;
        var length = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        return length is >= 0 and <= MaxPayload ? length : -1;
    }

    public static bool ChecksumMatches(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) == Crc32.HashToUInt32(payload);
}
