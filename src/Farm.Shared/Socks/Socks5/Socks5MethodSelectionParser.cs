using System.Buffers;

namespace Farm.Shared.Socks.Socks5;

/// <summary>
/// Client side: the server's METHOD selection message (RFC 1928 §3):
/// <code>
/// +----+--------+
/// |VER | METHOD |
/// +----+--------+
/// | 1  |   1    |
/// +----+--------+
/// </code>
/// </summary>
public static class Socks5MethodSelectionParser
{
    public const int Length = 2;

    /// <summary>Any METHOD byte is returned as is, including <see cref="Socks5AuthMethod.NoAcceptableMethods"/>.</summary>
    public static ParseStatus TryParse(ref SequenceReader<byte> reader, out Socks5AuthMethod method, out Socks5ParseError error)
    {
        method = default;
        error = Socks5ParseError.None;
        var source = reader.Peek(stackalloc byte[Length]);
        if (source.Length < 1)
        {
            return ParseStatus.Incomplete;
        }

        if (source[0] != 0x05)
        {
            error = Socks5ParseError.BadVersion;
            return ParseStatus.Invalid;
        }

        if (source.Length < Length)
        {
            return ParseStatus.Incomplete;
        }

        method = (Socks5AuthMethod)source[1];
        reader.Advance(Length);
        return ParseStatus.Complete;
    }
}
