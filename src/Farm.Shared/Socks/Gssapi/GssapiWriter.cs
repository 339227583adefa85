using System.Buffers.Binary;

namespace Farm.Shared.Socks.Gssapi;

/// <summary>Writes RFC 1961 messages into a caller's buffer and returns their length.</summary>
public static class GssapiWriter
{
    /// <summary>The bytes a message with a token of <paramref name="tokenLength"/> octets takes.</summary>
    public static int SizeOf(int tokenLength) => GssapiHeaderParser.Length + tokenLength;

    public static int WriteMessage(Span<byte> destination, GssapiMessageType type, ReadOnlySpan<byte> token)
    {
        if (type == GssapiMessageType.Abort)
        {
            throw new ArgumentException("an abort has no token; use WriteAbort", nameof(type));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(token.Length, ushort.MaxValue, nameof(token));
        destination[0] = GssapiHeaderParser.Version;
        destination[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)token.Length);
        token.CopyTo(destination[GssapiHeaderParser.Length..]);
        return SizeOf(token.Length);
    }

    /// <summary>§3.8: the server refuses the client's connection, for any reason.</summary>
    public static int WriteAbort(Span<byte> destination)
    {
        destination[0] = GssapiHeaderParser.Version;
        destination[1] = (byte)GssapiMessageType.Abort;
        return 2;
    }
}
