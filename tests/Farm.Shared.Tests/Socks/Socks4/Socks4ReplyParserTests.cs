using System.Buffers;
using System.Net;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks4;
using static Farm.Shared.Tests.Socks.Parsing;

namespace Farm.Shared.Tests.Socks.Socks4;

public class Socks4ReplyParserTests
{
    internal static readonly SequenceParser<(Socks4Reply, SocksDestination), Socks4ParseError> Parser =
        (ref SequenceReader<byte> reader, out (Socks4Reply, SocksDestination) value, out Socks4ParseError error) =>
        {
            var status = Socks4ReplyParser.TryParse(ref reader, out var reply, out var bound, out error);
            value = (reply, bound);
            return status;
        };

    [Fact]
    public void TryParse_Granted_Complete()
    {
        var result = Run(Parser, Hex("00 5A 0438 C0000201 FF"), out var unread);
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal((Socks4Reply.Granted, SocksDestination.FromAddress(IPAddress.Parse("192.0.2.1"), 1080)), result.Value);
        Assert.Equal(Hex("FF"), unread);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00 5A 0438 C00002")]
    public void TryParse_Truncated_Incomplete(string hex) => Assert.Equal(ParseStatus.Incomplete, Run(Parser, Hex(hex)).Status);

    [Fact]
    public void TryParse_NonZeroVersion_BadVersion()
    {
        var result = Run(Parser, Hex("04 5A 0438 C0000201"));
        Assert.Equal((ParseStatus.Invalid, Socks4ParseError.BadVersion), (result.Status, result.Error));
    }

    [Fact]
    public void TryParse_AnySplit_SameAsOneShot() =>
        AssertIncrementalAgrees(
            Parser, Hex("00 5B 0000 00000000"), (Socks4Reply.Rejected, SocksDestination.FromAddress(IPAddress.Any, 0)), Hex("01"), [[3, 5]]);
}
