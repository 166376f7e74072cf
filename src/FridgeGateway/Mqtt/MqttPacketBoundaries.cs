namespace FridgeGateway.Mqtt;

/// <summary>
/// Follows MQTT packet boundaries through a byte stream (a fixed header of a type byte and a one-to-four-byte
/// remaining length, then the body) without parsing the packets: enough to tell where the next one starts.
/// </summary>
internal struct MqttPacketBoundaries
{
    private enum Phase : byte { Boundary, Length, Body }

    private Phase _phase;
    private int _length, _shift, _bodyLeft;

    /// <summary>The next byte is a packet's first.</summary>
    public readonly bool AtBoundary => _phase == Phase.Boundary;

    /// <summary>Follows the bytes up to the end of the current packet; returns how many it took (all, if the packet goes on).</summary>
    public int Consume(ReadOnlySpan<byte> bytes)
    {
        var at = 0;
        while (at < bytes.Length)
        {
            switch (_phase)
            {
                case Phase.Boundary:
                    (_phase, _length, _shift) = (Phase.Length, 0, 0);
                    at++;
                    break;
                case Phase.Length:
                    var digit = bytes[at++];
                    _length |= (digit & 0x7F) << _shift;
                    _shift += 7;
                    if ((digit & 0x80) != 0)
                    {
                        if (_shift >= 28) throw new InvalidDataException("an MQTT remaining length longer than four bytes");
                        break;
                    }
                    if (_length == 0)
                    {
                        _phase = Phase.Boundary;
                        return at;
                    }
                    (_phase, _bodyLeft) = (Phase.Body, _length);
                    break;
                case Phase.Body:
                    var take = Math.Min(_bodyLeft, bytes.Length - at);
                    at += take;
                    _bodyLeft -= take;
                    if (_bodyLeft == 0)
                    {
                        _phase = Phase.Boundary;
                        return at;
                    }
                    break;
            }
        }
        return at;
    }
}
