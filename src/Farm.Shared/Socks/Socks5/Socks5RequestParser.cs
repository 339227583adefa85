using System.Buffers;

namespace Farm.Shared.Socks.Socks5;

public static class Socks5RequestParser
{
    public const int MaxLength = 3 + Socks5Address.MaxLength;

    public static ParseStatus TryParse(ref SequenceReader<byte> reader, out Socks5Request request, out Socks5ParseError error)
    {
        var status = Parse(reader.Peek(stackalloc byte[MaxLength]), out request, out var length, out error);
        if (status == ParseStatus.Complete)
        {
            reader.Advance(length);
        }

        return status;
    }

    private static ParseStatus Parse(ReadOnlySpan<byte> source, out Socks5Request request, out int length, out Socks5ParseError error)
    {
        request = default;
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

        if (source.Length < 2)
        {
            return ParseStatus.Incomplete;
        }

        var command = (SocksCommand)source[1];
        if (command is not (SocksCommand.Connect or SocksCommand.Bind or SocksCommand.UdpAssociate))
        {
            error = Socks5ParseError.UnknownCommand;
            return ParseStatus.Invalid;
        }

        if (source.Length < 3)
        {
            return ParseStatus.Incomplete;
        }

        // RFC 1928 fixes RSV at X'00'; every client we know sends it, and a firewall has no reason to guess.
        if (source[2] != 0x00)
        {
            error = Socks5ParseError.BadReserved;
            return ParseStatus.Invalid;
        }

        var status = Socks5Address.Parse(source[3..], out var destination, out var addressLength, out error);
        if (status == ParseStatus.Complete)
        {
            request = new Socks5Request(command, destination);
            length = 3 + addressLength;
        }

        return status;
    }
}
