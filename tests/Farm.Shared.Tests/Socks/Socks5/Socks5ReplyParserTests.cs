using System.Buffers;
using System.Net;
using CsCheck;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;
using static Farm.Shared.Tests.Socks.Parsing;

namespace Farm.Shared.Tests.Socks.Socks5;

public class Socks5ReplyParserTests
{
    internal static readonly SequenceParser<(Socks5Reply, SocksDestination), Socks5ParseError> Parser =
        (ref SequenceReader<byte> reader, out (Socks5Reply, SocksDestination) value, out Socks5ParseError error) =>
        {
            var status = Socks5ReplyParser.TryParse(ref reader, out var reply, out var bound, out error);
            value = (reply, bound);
            return status;
        };

    [Fact]
    public void TryParse_SucceededIPv4_Complete()
    {
        var result = Run(Parser, Hex("05 00 00 01 0A000005 0438"));
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal((Socks5Reply.Succeeded, SocksDestination.FromAddress(IPAddress.Parse("10.0.0.5"), 1080)), result.Value);
        Assert.Equal(10, result.Consumed);
    }

    [Fact]
    public void TryParse_FailureWithDomain_Complete()
    {
        var result = Run(Parser, Hex("05 05 00 03 01 78 0001"));
        Assert.Equal((Socks5Reply.ConnectionRefused, SocksDestination.FromHost("x", 1)), result.Value);
    }

    [Fact]
    public void TryParse_UnassignedReplyCode_ReturnedAsIs() =>
        Assert.Equal((Socks5Reply)0x42, Run(Parser, Hex("05 42 00 01 00000000 0000")).Value.Item1);

    [Theory]
    [InlineData("")]
    [InlineData("05 00")]
    [InlineData("05 00 00 01 0A0000")]
    public void TryParse_Truncated_IncompleteNothingConsumed(string hex)
    {
        var result = Run(Parser, Hex(hex));
        Assert.Equal((ParseStatus.Incomplete, 0L), (result.Status, result.Consumed));
    }

    [Theory]
    [InlineData("01 00 00 01 0A000005 0438", Socks5ParseError.BadVersion)]
    [InlineData("05 00 07 01 0A000005 0438", Socks5ParseError.BadReserved)]
    [InlineData("05 00 00 09", Socks5ParseError.UnknownAddressType)]
    [InlineData("05 00 00 03 00", Socks5ParseError.EmptyDomain)]
    public void TryParse_Malformed_Invalid(string hex, Socks5ParseError error)
    {
        var result = Run(Parser, Hex(hex));
        Assert.Equal((ParseStatus.Invalid, error), (result.Status, result.Error));
    }

    [Fact]
    public void TryParse_AnySplit_SameAsOneShot() =>
        Gen.Select(WireGen.Socks5Reply, WireGen.Trailing, WireGen.MultiSplits)
            .Sample((m, t, s) => AssertIncrementalAgrees(Parser, m.Wire, m.Expected, t, s), iter: 200);
}
