using CsCheck;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;
using static Farm.Shared.Tests.Socks.Parsing;

namespace Farm.Shared.Tests.Socks.Socks5;

public class Socks5PasswordRequestParserTests
{
    private static readonly SequenceParser<Socks5PasswordRequest?, Socks5ParseError> Parser = Socks5PasswordRequestParser.TryParse;

    [Fact]
    public void TryParse_UserAndPassword_Complete()
    {
        var result = Run(Parser, Hex("01 05 616C696365 06 733363723374"));
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal(new Socks5PasswordRequest("alice", "s3cr3t"), result.Value);
        Assert.Equal(14, result.Consumed);
    }

    [Fact]
    public void TryParse_Utf8_Decoded()
    {
        var result = Run(Parser, Hex("01 02 C3A9 03 E282AC"));
        Assert.Equal(new Socks5PasswordRequest("é", "€"), result.Value);
    }

    [Fact]
    public void TryParse_InvalidUtf8_DecodedWithoutThrowing()
    {
        var result = Run(Parser, Hex("01 02 FFFE 01 C3"));
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal("\uFFFD\uFFFD", result.Value!.User);
    }

    [Fact]
    public void TryParse_MaximalFields_Complete()
    {
        byte[] input = [0x01, 0xFF, .. Enumerable.Repeat((byte)'u', 255), 0xFF, .. Enumerable.Repeat((byte)'p', 255)];
        var result = Run(Parser, input);
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal(new string('u', 255), result.Value!.User);
        Assert.Equal(new string('p', 255), result.Value.Password);
        Assert.Equal(Socks5PasswordRequestParser.MaxLength, result.Consumed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("01")]
    [InlineData("01 01")]
    [InlineData("01 01 61")]
    [InlineData("01 01 61 02")]
    [InlineData("01 01 61 02 62")]
    public void TryParse_Truncated_IncompleteNothingConsumed(string hex)
    {
        var result = Run(Parser, Hex(hex));
        Assert.Equal(ParseStatus.Incomplete, result.Status);
        Assert.Equal(0, result.Consumed);
    }

    [Theory]
    [InlineData("05 01 61 01 62", Socks5ParseError.BadAuthVersion)]
    [InlineData("00", Socks5ParseError.BadAuthVersion)]
    [InlineData("01 00 01 62", Socks5ParseError.EmptyUser)]
    [InlineData("01 01 61 00", Socks5ParseError.EmptyPassword)]
    public void TryParse_Malformed_Invalid(string hex, Socks5ParseError error)
    {
        var result = Run(Parser, Hex(hex));
        Assert.Equal((ParseStatus.Invalid, error), (result.Status, result.Error));
        Assert.Null(result.Value);
    }

    [Fact]
    public void ToString_Request_OmitsPassword() => Assert.DoesNotContain("hunter2", new Socks5PasswordRequest("bob", "hunter2").ToString());

    [Fact]
    public void TryParse_AnySplit_SameAsOneShot() =>
        Gen.Select(WireGen.Socks5PasswordRequest, WireGen.Trailing, WireGen.MultiSplits)
            .Sample((m, t, s) => AssertIncrementalAgrees(Parser, m.Wire, m.Expected, t, s), iter: 200);
}
