using System.Buffers;

namespace Farm.Shared.Socks.Socks5;

/// <summary>
/// Client side: the server's reply to a request (RFC 1928 §6):
/// <code>
/// +----+-----+-------+------+----------+----------+
/// |VER | REP |  RSV  | ATYP | BND.ADDR | BND.PORT |
/// +----+-----+-------+------+----------+----------+
/// | 1  |  1  | X'00' |  1   | Variable |    2     |
/// +----+-----+-------+------+----------+----------+
/// </code>
/// </summary>
public static class Socks5ReplyParser
{
    public const int MaxLength = Socks5Writer.MaxReplyLength;

    /// <summary>Unassigned REP codes are returned as is; anything but <see cref="Socks5Reply.Succeeded"/> is a failure.</summary>
    public static ParseStatus TryParse(ref SequenceReader<byte> reader, out Socks5Reply reply, out SocksDestination bound, out Socks5ParseError error)
    {
        var status = Parse(reader.Peek(stackalloc byte[MaxLength]), out reply, out bound, out var length, out error);
        if (status == ParseStatus.Complete)
        {
            reader.Advance(length);
        }

        return status;
    }

    private static ParseStatus Parse(ReadOnlySpan<byte> source, out Socks5Reply reply, out SocksDestination bound, out int length, out Socks5ParseError error)
    {
        reply = default;
        bound = default;
        length = 0;
        error = Socks5ParseError.None;
        if (source.Length < 1)
        {
            return ParseStatus.Incomplete;
        }

        if (source[0] != 0x05)
        {
            error = Socks5ParseError.BadVersion;
            return ParseStatus.Invalid;
        }

        if (source.Length < 3)
        {
            return ParseStatus.Incomplete;
        }

        if (source[2] != 0x00)
        {
            error = Socks5ParseError.BadReserved;
            return ParseStatus.Invalid;
        }

        var status = Socks5Address.Parse(source[3..], out bound, out var addressLength, out error);
        if (status == ParseStatus.Complete)
        {
            reply = (Socks5Reply)source[1];
            length = 3 + addressLength;
        }

        return status;
    }
}
