using System.Buffers;
using System.Buffers.Binary;
using System.Net;

namespace Farm.Shared.Socks.Socks4;

/// <summary>Client side: the server's 8-byte reply (see <see cref="Socks4Writer.WriteReply"/>); VN must be 0.</summary>
public static class Socks4ReplyParser
{
    /// <summary>Any CD byte is returned as is; anything but <see cref="Socks4Reply.Granted"/> is a refusal.</summary>
    public static ParseStatus TryParse(ref SequenceReader<byte> reader, out Socks4Reply reply, out SocksDestination bound, out Socks4ParseError error)
    {
        reply = default;
        bound = default;
        error = Socks4ParseError.None;
        var source = reader.Peek(stackalloc byte[Socks4Writer.ReplyLength]);
        if (source.Length < 1)
        {
            return ParseStatus.Incomplete;
        }

        if (source[0] != 0x00)
        {
            error = Socks4ParseError.BadVersion;
            return ParseStatus.Invalid;
        }

        if (source.Length < Socks4Writer.ReplyLength)
        {
            return ParseStatus.Incomplete;
        }

        reply = (Socks4Reply)source[1];
        bound = SocksDestination.FromAddress(new IPAddress(source.Slice(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(source[2..]));
        reader.Advance(Socks4Writer.ReplyLength);
        return ParseStatus.Complete;
    }
}
