using CsCheck;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;
using static Farm.Shared.Tests.Socks.Parsing;

namespace Farm.Shared.Tests.Socks.Socks5;

public class Socks5GreetingParserTests
{
    private static readonly SequenceParser<Socks5Greeting, Socks5ParseError> Parser = Socks5GreetingParser.TryParse;

    [Fact]
    public void TryParse_TwoMethods_Complete()
    {
        var result = Run(Parser, Hex("05 02 00 02"));
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal(Socks5MethodSet.Of(Socks5AuthMethod.NoAuthentication, Socks5AuthMethod.UsernamePassword), result.Value.Methods);
        Assert.False(result.Value.Methods.Contains(Socks5AuthMethod.GssApi));
        Assert.Equal(4, result.Consumed);
    }

    [Fact]
    public void TryParse_255Methods_Complete()
    {
        byte[] input = [0x05, 0xFF, .. Enumerable.Range(0, 255).Select(i => (byte)i)];
        var result = Run(Parser, input);
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal(255, result.Value.Methods.Count);
        Assert.Equal(257, result.Consumed);
    }

    [Fact]
    public void TryParse_TrailingBytes_LeftUnread()
    {
        var result = Run(Parser, Hex("05 01 00 05 01 00"), out var unread);
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal(Hex("05 01 00"), unread);
    }

    [Theory]
    [InlineData("")]
    [InlineData("05")]
    [InlineData("05 02")]
    [InlineData("05 02 00")]
    public void TryParse_Truncated_IncompleteNothingConsumed(string hex)
    {
        var result = Run(Parser, Hex(hex));
        Assert.Equal(ParseStatus.Incomplete, result.Status);
        Assert.Equal(0, result.Consumed);
    }

    [Theory]
    [InlineData("04 01 00", Socks5ParseError.BadVersion)]
    [InlineData("04", Socks5ParseError.BadVersion)]
    [InlineData("05 00", Socks5ParseError.NoMethods)]
    [InlineData("05 00 00", Socks5ParseError.NoMethods)]
    public void TryParse_Malformed_Invalid(string hex, Socks5ParseError error) =>
        Assert.Equal((ParseStatus.Invalid, error), (Run(Parser, Hex(hex)).Status, Run(Parser, Hex(hex)).Error));

    [Fact]
    public void TryParse_AnySplit_SameAsOneShot() =>
        Gen.Select(WireGen.Socks5Greeting, WireGen.Trailing, WireGen.MultiSplits)
            .Sample((m, t, s) => AssertIncrementalAgrees(Parser, m.Wire, m.Expected, t, s), iter: 200);
}
