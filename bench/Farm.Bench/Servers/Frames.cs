using System.Buffers.Binary;

namespace Farm.Bench.Servers;

/// <summary>
/// The bulk streams are framed (a 4-byte little-endian payload length, then the payload; a zero
/// length ends the stream, and the receiver answers with the 8-byte payload total). The end marker
/// and the answer travel in-band, so a stream can be closed and verified through proxies that do
/// not propagate half-close (microsocks closes both sides on the first EOF).
/// </summary>
public static class Frames
{
    public const int HeaderBytes = 4;

    /// <summary>256 KiB per write: large enough that syscalls are not what a run measures.</summary>
    public const int FrameBytes = 256 * 1024;

    public const int PayloadBytes = FrameBytes - HeaderBytes;

    public const int TotalBytes = 8;

    /// <summary>A frame full of payload, sent again and again by writers.</summary>
    public static byte[] NewFullFrame()
    {
        var frame = new byte[FrameBytes];
        BinaryPrimitives.WriteInt32LittleEndian(frame, PayloadBytes);
        for (var i = HeaderBytes; i < frame.Length; i++)
        {
            frame[i] = (byte)i;
        }

        return frame;
    }

    public static byte[] EndFrame() => new byte[HeaderBytes];

    public static byte[] Total(long payload)
    {
        var total = new byte[TotalBytes];
        BinaryPrimitives.WriteInt64LittleEndian(total, payload);
        return total;
    }
}
