using System.Buffers.Binary;

namespace Farm.Bench.Servers;

/// <summary>
/// Counts the payload of a framed stream (see <see cref="Frames"/>) however it is split across
/// reads, and stops right after the end marker so that the caller gets the bytes that follow.
/// </summary>
public sealed class FrameReader
{
    private readonly byte[] _header = new byte[Frames.HeaderBytes];
    private int _headerFilled;
    private int _remaining;

    public long Payload { get; private set; }

    public bool Ended { get; private set; }

    /// <summary>Consumes frames from <paramref name="data"/>; returns how many bytes were consumed.</summary>
    public int Consume(ReadOnlySpan<byte> data)
    {
        var consumed = 0;
        while (consumed < data.Length && !Ended)
        {
            if (_remaining > 0)
            {
                var take = Math.Min(_remaining, data.Length - consumed);
                _remaining -= take;
                Payload += take;
                consumed += take;
                continue;
            }

            _header[_headerFilled++] = data[consumed++];
            if (_headerFilled < Frames.HeaderBytes)
            {
                continue;
            }

            _headerFilled = 0;
            _remaining = BinaryPrimitives.ReadInt32LittleEndian(_header);
            if (_remaining < 0)
            {
                throw new InvalidDataException($"negative frame length {_remaining}");
            }

            Ended = _remaining == 0;
        }

        return consumed;
    }
}
