using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;
using static Farm.Shared.Tests.Socks.Parsing;

namespace Farm.Shared.Tests.Socks.Socks5;

public class Socks5MethodSelectionParserTests
{
    private static readonly SequenceParser<Socks5AuthMethod, Socks5ParseError> Parser = Socks5MethodSelectionParser.TryParse;

    [Theory]
    [InlineData("05 00", Socks5AuthMethod.NoAuthentication)]
    [InlineData("05 02", Socks5AuthMethod.UsernamePassword)]
    [InlineData("05 FF", Socks5AuthMethod.NoAcceptableMethods)]
    public void TryParse_Selection_Complete(string hex, Socks5AuthMethod method)
    {
        var result = Run(Parser, Hex(hex + "AA"), out var unread);
        Assert.Equal((ParseStatus.Complete, method, 2L), (result.Status, result.Value, result.Consumed));
        Assert.Equal(Hex("AA"), unread);
    }

    [Theory]
    [InlineData("")]
    [InlineData("05")]
    public void TryParse_Truncated_Incomplete(string hex) => Assert.Equal(ParseStatus.Incomplete, Run(Parser, Hex(hex)).Status);

    [Fact]
    public void TryParse_BadVersion_Invalid()
    {
        var result = Run(Parser, Hex("04"));
        Assert.Equal((ParseStatus.Invalid, Socks5ParseError.BadVersion), (result.Status, result.Error));
    }

    [Fact]
    public void TryParse_AnySplit_SameAsOneShot() =>
        AssertIncrementalAgrees(Parser, Hex("05 02"), Socks5AuthMethod.UsernamePassword, Hex("0102"), [[1, 2, 3]]);
}
