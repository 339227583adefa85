using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;
using static Farm.Shared.Tests.Socks.Parsing;

namespace Farm.Shared.Tests.Socks.Socks5;

public class Socks5PasswordStatusParserTests
{
    private static readonly SequenceParser<bool, Socks5ParseError> Parser = Socks5PasswordStatusParser.TryParse;

    [Theory]
    [InlineData("01 00", true)]
    [InlineData("01 01", false)]
    [InlineData("01 FF", false)]
    public void TryParse_Status_Complete(string hex, bool success)
    {
        var result = Run(Parser, Hex(hex + "05"), out var unread);
        Assert.Equal((ParseStatus.Complete, success, 2L), (result.Status, result.Value, result.Consumed));
        Assert.Equal(Hex("05"), unread);
    }

    [Theory]
    [InlineData("")]
    [InlineData("01")]
    public void TryParse_Truncated_Incomplete(string hex) => Assert.Equal(ParseStatus.Incomplete, Run(Parser, Hex(hex)).Status);

    [Fact]
    public void TryParse_BadVersion_Invalid()
    {
        var result = Run(Parser, Hex("05 00"));
        Assert.Equal((ParseStatus.Invalid, Socks5ParseError.BadAuthVersion), (result.Status, result.Error));
    }

    [Fact]
    public void TryParse_AnySplit_SameAsOneShot() =>
        AssertIncrementalAgrees(Parser, Hex("01 00"), true, Hex("050100"), [[1, 2, 3]]);
}
