using System.Buffers;
using System.Net;
using CsCheck;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;
using static Farm.Shared.Tests.Socks.Parsing;

namespace Farm.Shared.Tests.Socks.Socks5;

public class Socks5UdpHeaderParserTests
{
    /// <summary>Adapts the datagram parser to the harness; a datagram is parsed whole, so it sees every unread byte.</summary>
    internal static readonly SequenceParser<Socks5UdpHeader, Socks5ParseError> Parser =
        (ref SequenceReader<byte> reader, out Socks5UdpHeader header, out Socks5ParseError error) =>
        {
            var status = Socks5UdpHeaderParser.TryParse(reader.UnreadSequence.ToArray(), out header, out var length, out error);
            if (status == ParseStatus.Complete)
            {
                reader.Advance(length);
            }

            return status;
        };

    [Fact]
    public void TryParse_IPv4Datagram_HeaderAndPayloadOffset()
    {
        var datagram = Hex("0000 00 01 08080808 0035 CAFE");
        var status = Socks5UdpHeaderParser.TryParse(datagram, out var header, out var length, out var error);
        Assert.Equal((ParseStatus.Complete, Socks5ParseError.None), (status, error));
        Assert.Equal(new Socks5UdpHeader(0, SocksDestination.FromAddress(IPAddress.Parse("8.8.8.8"), 53)), header);
        Assert.Equal(10, length);
        Assert.Equal(Hex("CAFE"), datagram[length..]);
    }

    [Fact]
    public void TryParse_DomainWithFragment_FragmentReturned()
    {
        var status = Socks5UdpHeaderParser.TryParse(Hex("0000 05 03 01 61 0035"), out var header, out var length, out _);
        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(new Socks5UdpHeader(5, SocksDestination.FromHost("a", 53)), header);
        Assert.Equal(8, length);
    }

    [Fact]
    public void TryParse_HeaderOnly_EmptyPayload()
    {
        var status = Socks5UdpHeaderParser.TryParse(Hex("0000 00 04 00000000000000000000000000000001 0035"), out var header, out var length, out _);
        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(IPAddress.IPv6Loopback, header.Destination.Address);
        Assert.Equal(22, length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0000")]
    [InlineData("0000 00 01 080808")]
    public void TryParse_Truncated_Incomplete(string hex) =>
        Assert.Equal(ParseStatus.Incomplete, Socks5UdpHeaderParser.TryParse(Hex(hex), out _, out _, out _));

    [Theory]
    [InlineData("0100 00 01 08080808 0035", Socks5ParseError.BadReserved)]
    [InlineData("0001 00 01 08080808 0035", Socks5ParseError.BadReserved)]
    [InlineData("0000 00 07 08080808 0035", Socks5ParseError.UnknownAddressType)]
    [InlineData("0000 00 03 00 0035", Socks5ParseError.EmptyDomain)]
    [InlineData("0000 00 03 01 00 0035", Socks5ParseError.BadDomain)]
    public void TryParse_Malformed_Invalid(string hex, Socks5ParseError expected)
    {
        var status = Socks5UdpHeaderParser.TryParse(Hex(hex), out _, out _, out var error);
        Assert.Equal((ParseStatus.Invalid, expected), (status, error));
    }

    [Fact]
    public void TryParse_GeneratedHeaders_ParsedWithPayloadIntact() =>
        Gen.Select(WireGen.Socks5UdpHeader, Gen.Byte.Array[0, 64]).Sample((m, payload) =>
        {
            var result = Run(Parser, [.. m.Wire, .. payload], out var unread);
            Assert.Equal((ParseStatus.Complete, m.Expected, (long)m.Wire.Length), (result.Status, result.Value, result.Consumed));
            Assert.Equal(payload, unread);
        }, iter: 300);
}
