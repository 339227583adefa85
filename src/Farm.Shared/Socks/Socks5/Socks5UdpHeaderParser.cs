namespace Farm.Shared.Socks.Socks5;

public static class Socks5UdpHeaderParser
{
    public const int MaxLength = Socks5Writer.MaxUdpHeaderLength;

    /// <summary>
    /// Parses the header at the start of <paramref name="datagram"/>; the payload starts at <paramref name="headerLength"/>.
    /// A datagram is never continued, so <see cref="ParseStatus.Incomplete"/> means it was truncated.
    /// A non-zero <see cref="Socks5UdpHeader.Fragment"/> is returned, not refused: dropping it is the relay's call.
    /// </summary>
    public static ParseStatus TryParse(ReadOnlySpan<byte> datagram, out Socks5UdpHeader header, out int headerLength, out Socks5ParseError error)
    {
        header = default;
        headerLength = 0;
        error = Socks5ParseError.None;
        if (datagram.Length < 2)
        {
            return ParseStatus.Incomplete;
        }

        if (datagram[0] != 0x00 || datagram[1] != 0x00)
        {
            error = Socks5ParseError.BadReserved;
            return ParseStatus.Invalid;
        }

        if (datagram.Length < 3)
        {
            return ParseStatus.Incomplete;
        }

        var status = Socks5Address.Parse(datagram[3..], out var destination, out var addressLength, out error);
        if (status == ParseStatus.Complete)
        {
            header = new Socks5UdpHeader(datagram[2], destination);
            headerLength = 3 + addressLength;
        }

        return status;
    }
}
