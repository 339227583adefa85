using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Farm.Shared.Socks.Socks4;

public static class Socks4RequestParser
{
    public const int MaxUserIdLength = 255;
    public const int MaxHostLength = HostName.MaxLength;
    private const int HeaderLength = 8;

    /// <summary>The longest request: header, USERID and host name at their limits, each with its NUL.</summary>
    public const int MaxLength = HeaderLength + MaxUserIdLength + 1 + MaxHostLength + 1;

    /// <summary>
    /// Looks at no more than <see cref="MaxLength"/> bytes: a USERID or host name that has not ended by its limit is
    /// <see cref="ParseStatus.Invalid"/> at once, so a client cannot make the caller buffer without bound.
    /// </summary>
    public static ParseStatus TryParse(ref SequenceReader<byte> reader, out Socks4Request? request, out Socks4ParseError error)
    {
        // The USERID is settled within the first window, so a request that never sends its NUL costs 264 bytes, not 520.
        Span<byte> scratch = stackalloc byte[MaxLength];
        var userIdWindow = HeaderLength + MaxUserIdLength + 1;
        var window = reader.Peek(scratch[..userIdWindow]);
        var status = Parse(window, out request, out var length, out error);
        if (status == ParseStatus.Incomplete && window.Length == userIdWindow)
        {
            status = Parse(reader.Peek(scratch), out request, out length, out error);
        }

        if (status == ParseStatus.Complete)
        {
            reader.Advance(length);
        }

        return status;
    }

    private static ParseStatus Parse(ReadOnlySpan<byte> source, out Socks4Request? request, out int length, out Socks4ParseError error)
    {
        request = null;
        length = 0;
        error = Socks4ParseError.None;
        if (source.Length < 1)
        {
            return ParseStatus.Incomplete;
        }

        if (source[0] != 0x04)
        {
            error = Socks4ParseError.BadVersion;
            return ParseStatus.Invalid;
        }

        if (source.Length < 2)
        {
            return ParseStatus.Incomplete;
        }

        var command = (SocksCommand)source[1];
        if (command is not (SocksCommand.Connect or SocksCommand.Bind))
        {
            error = Socks4ParseError.UnknownCommand;
            return ParseStatus.Invalid;
        }

        if (source.Length < HeaderLength)
        {
            return ParseStatus.Incomplete;
        }

        var userIdStatus = FindNul(source[HeaderLength..], MaxUserIdLength, out var userIdLength);
        if (userIdStatus != ParseStatus.Complete)
        {
            error = userIdStatus == ParseStatus.Invalid ? Socks4ParseError.UserIdTooLong : Socks4ParseError.None;
            return userIdStatus;
        }

        var port = BinaryPrimitives.ReadUInt16BigEndian(source[2..]);
        var address = source.Slice(4, 4);
        var end = HeaderLength + userIdLength + 1;
        SocksDestination destination;
        if (address is [0, 0, 0, not 0])
        {
            var hostStatus = FindNul(source[end..], MaxHostLength, out var hostLength);
            if (hostStatus != ParseStatus.Complete)
            {
                error = hostStatus == ParseStatus.Invalid ? Socks4ParseError.HostTooLong : Socks4ParseError.None;
                return hostStatus;
            }

            var host = source.Slice(end, hostLength);
            if (hostLength == 0)
            {
                error = Socks4ParseError.EmptyHost;
                return ParseStatus.Invalid;
            }

            if (!HostName.IsValid(host))
            {
                error = Socks4ParseError.BadHost;
                return ParseStatus.Invalid;
            }

            destination = SocksDestination.FromHost(HostName.Decode(host), port);
            end += hostLength + 1;
        }
        else
        {
            destination = SocksDestination.FromAddress(new IPAddress(address), port);
        }

        request = new Socks4Request(command, destination, Encoding.UTF8.GetString(source.Slice(HeaderLength, userIdLength)));
        length = end;
        return ParseStatus.Complete;
    }

    /// <summary>
    /// Finds the NUL that ends the field at the start of <paramref name="source"/>: Invalid when more than
    /// <paramref name="maxLength"/> bytes come without one, Incomplete while fewer have arrived.
    /// </summary>
    private static ParseStatus FindNul(ReadOnlySpan<byte> source, int maxLength, out int length)
    {
        var searched = source[..Math.Min(source.Length, maxLength + 1)];
        length = searched.IndexOf((byte)0);
        if (length >= 0)
        {
            return ParseStatus.Complete;
        }

        return searched.Length > maxLength ? ParseStatus.Invalid : ParseStatus.Incomplete;
    }
}
