using System.Buffers;

namespace Farm.Shared.Socks.Socks5;

/// <summary>
/// Client side: the server's username/password verdict (RFC 1929 §2); STATUS X'00' is success, anything else failure:
/// <code>
/// +----+--------+
/// |VER | STATUS |
/// +----+--------+
/// | 1  |   1    |
/// +----+--------+
/// </code>
/// </summary>
public static class Socks5PasswordStatusParser
{
    public const int Length = 2;

    public static ParseStatus TryParse(ref SequenceReader<byte> reader, out bool success, out Socks5ParseError error)
    {
        success = false;
        error = Socks5ParseError.None;
        var source = reader.Peek(stackalloc byte[Length]);
        if (source.Length < 1)
        {
            return ParseStatus.Incomplete;
        }

        if (source[0] != 0x01)
        {
            error = Socks5ParseError.BadAuthVersion;
            return ParseStatus.Invalid;
        }

        if (source.Length < Length)
        {
            return ParseStatus.Incomplete;
        }

        success = source[1] == 0x00;
        reader.Advance(Length);
        return ParseStatus.Complete;
    }
}
