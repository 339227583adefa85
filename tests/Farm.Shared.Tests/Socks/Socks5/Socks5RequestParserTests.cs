using System.Net;
using CsCheck;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;
using static Farm.Shared.Tests.Socks.Parsing;

namespace Farm.Shared.Tests.Socks.Socks5;

public class Socks5RequestParserTests
{
    private static readonly SequenceParser<Socks5Request, Socks5ParseError> Parser = Socks5RequestParser.TryParse;

    [Fact]
    public void TryParse_ConnectIPv4_Complete()
    {
        var result = Run(Parser, Hex("05 01 00 01 C0000201 0050"));
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal(new Socks5Request(SocksCommand.Connect, SocksDestination.FromAddress(IPAddress.Parse("192.0.2.1"), 80)), result.Value);
        Assert.Equal(10, result.Consumed);
    }

    [Fact]
    public void TryParse_BindIPv6_Complete()
    {
        var result = Run(Parser, Hex("05 02 00 04 20010DB8000000000000000000000001 1F90"));
        Assert.Equal(new Socks5Request(SocksCommand.Bind, SocksDestination.FromAddress(IPAddress.Parse("2001:db8::1"), 8080)), result.Value);
        Assert.Equal(22, result.Consumed);
    }

    [Fact]
    public void TryParse_UdpAssociateDomain_Complete()
    {
        var result = Run(Parser, Hex("05 03 00 03 0B 6578616D706C652E636F6D 01BB"));
        Assert.Equal(new Socks5Request(SocksCommand.UdpAssociate, SocksDestination.FromHost("example.com", 443)), result.Value);
        Assert.True(result.Value.Destination.IsHost);
        Assert.Equal(18, result.Consumed);
    }

    [Fact]
    public void TryParse_255ByteDomain_Complete()
    {
        var name = string.Join('.', Enumerable.Repeat(new string('a', 63), 4));
        byte[] input = [0x05, 0x01, 0x00, 0x03, 0xFF, .. System.Text.Encoding.ASCII.GetBytes(name), 0x00, 0x16];
        var result = Run(Parser, input);
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal(SocksDestination.FromHost(name, 22), result.Value.Destination);
        Assert.Equal(Socks5RequestParser.MaxLength, result.Consumed);
    }

    [Theory]
    [InlineData(@"ev\105l.test")]
    [InlineData(@"evil\.test")]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("a b")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test")]
    public void TryParse_NameAResolverWouldReadOtherwise_Invalid(string name)
    {
        byte[] input = [0x05, 0x01, 0x00, 0x03, (byte)name.Length, .. System.Text.Encoding.ASCII.GetBytes(name), 0x00, 0x16];

        Assert.Equal(ParseStatus.Invalid, Run(Parser, input).Status);
    }

    [Theory]
    [InlineData("x.evil.test.")]
    [InlineData("_srv.Example-1.org")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("127.1")]
    [InlineData("[::1]")]
    [InlineData("fe80::1%lo")]
    public void TryParse_DnsNameOrAddressLiteral_Complete(string name)
    {
        byte[] input = [0x05, 0x01, 0x00, 0x03, (byte)name.Length, .. System.Text.Encoding.ASCII.GetBytes(name), 0x00, 0x16];

        Assert.Equal(ParseStatus.Complete, Run(Parser, input).Status);
    }

    [Fact]
    public void TryParse_TrailingBytes_LeftUnread()
    {
        var result = Run(Parser, Hex("05 01 00 01 7F000001 0016 474554"), out var unread);
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal(Hex("474554"), unread);
    }

    [Theory]
    [InlineData("")]
    [InlineData("05")]
    [InlineData("05 01")]
    [InlineData("05 01 00")]
    [InlineData("05 01 00 01 7F0000")]
    [InlineData("05 01 00 01 7F000001 00")]
    [InlineData("05 01 00 03")]
    [InlineData("05 01 00 03 03 6162")]
    [InlineData("05 01 00 03 03 616263 00")]
    [InlineData("05 01 00 04 00000000000000000000000000000001")]
    public void TryParse_Truncated_IncompleteNothingConsumed(string hex)
    {
        var result = Run(Parser, Hex(hex));
        Assert.Equal(ParseStatus.Incomplete, result.Status);
        Assert.Equal(0, result.Consumed);
    }

    [Theory]
    [InlineData("04 01 00 01 7F000001 0016", Socks5ParseError.BadVersion)]
    [InlineData("05 00 00 01 7F000001 0016", Socks5ParseError.UnknownCommand)]
    [InlineData("05 04 00 01 7F000001 0016", Socks5ParseError.UnknownCommand)]
    [InlineData("05 04", Socks5ParseError.UnknownCommand)]
    [InlineData("05 01 01 01 7F000001 0016", Socks5ParseError.BadReserved)]
    [InlineData("05 01 00 02 7F000001 0016", Socks5ParseError.UnknownAddressType)]
    [InlineData("05 01 00 05", Socks5ParseError.UnknownAddressType)]
    [InlineData("05 01 00 03 00 0016", Socks5ParseError.EmptyDomain)]
    [InlineData("05 01 00 03 00", Socks5ParseError.EmptyDomain)]
    [InlineData("05 01 00 03 03 610062 0016", Socks5ParseError.BadDomain)]
    [InlineData("05 01 00 03 03 612062 0016", Socks5ParseError.BadDomain)]
    [InlineData("05 01 00 03 03 61C362 0016", Socks5ParseError.BadDomain)]
    [InlineData("05 01 00 03 03 617F62 0016", Socks5ParseError.BadDomain)]
    public void TryParse_Malformed_Invalid(string hex, Socks5ParseError error)
    {
        var result = Run(Parser, Hex(hex));
        Assert.Equal((ParseStatus.Invalid, error), (result.Status, result.Error));
    }

    [Fact]
    public void TryParse_AnySplit_SameAsOneShot() =>
        Gen.Select(WireGen.Socks5Request, WireGen.Trailing, WireGen.MultiSplits)
            .Sample((m, t, s) => AssertIncrementalAgrees(Parser, m.Wire, m.Expected, t, s), iter: 300);
}
