using Farm.Shared.Socks;
using Farm.Shared.Socks.Gssapi;
using static Farm.Shared.Tests.Socks.Parsing;

namespace Farm.Shared.Tests.Socks.Gssapi;

public class GssapiHeaderParserTests
{
    private static readonly SequenceParser<GssapiHeader, GssapiParseError> Parser = GssapiHeaderParser.TryParse;

    [Theory]
    [InlineData("01 01 02C8", GssapiMessageType.Authentication, 712)]
    [InlineData("01 02 001C", GssapiMessageType.ProtectionLevel, 28)]
    [InlineData("01 03 0001", GssapiMessageType.EncapsulatedData, 1)]
    public void TryParse_Header_CompleteTokenLeftUnread(string hex, GssapiMessageType type, int length)
    {
        var result = Run(Parser, [.. Hex(hex), 0xAA, 0xBB], out var unread);
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal(new GssapiHeader(type, length), result.Value);
        Assert.Equal(4, result.Consumed);
        Assert.Equal(new byte[] { 0xAA, 0xBB }, unread);
    }

    [Fact]
    public void TryParse_Abort_TwoOctetsNoLength()
    {
        var result = Run(Parser, Hex("01 FF 05"), out var unread);
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal(new GssapiHeader(GssapiMessageType.Abort, 0), result.Value);
        Assert.Equal(2, result.Consumed);
        Assert.Equal(new byte[] { 0x05 }, unread);
    }

    [Theory]
    [InlineData("")]
    [InlineData("01")]
    [InlineData("01 01")]
    [InlineData("01 01 00")]
    public void TryParse_Truncated_IncompleteNothingConsumed(string hex)
    {
        var result = Run(Parser, Hex(hex));
        Assert.Equal(ParseStatus.Incomplete, result.Status);
        Assert.Equal(0, result.Consumed);
    }

    [Theory]
    [InlineData("05 01 0001", GssapiParseError.BadVersion)]
    [InlineData("00", GssapiParseError.BadVersion)]
    [InlineData("01 04 0001", GssapiParseError.UnknownMessageType)]
    [InlineData("01 00", GssapiParseError.UnknownMessageType)]
    [InlineData("01 01 0000", GssapiParseError.EmptyToken)]
    [InlineData("01 02 0000", GssapiParseError.EmptyToken)]
    [InlineData("01 01 BB81", GssapiParseError.TokenTooLong)]
    [InlineData("01 01 FFFF", GssapiParseError.TokenTooLong)]
    public void TryParse_BadHeader_InvalidWithReason(string hex, GssapiParseError error)
    {
        var result = Run(Parser, Hex(hex));
        Assert.Equal(ParseStatus.Invalid, result.Status);
        Assert.Equal(error, result.Error);
    }

    [Fact]
    public void TryParse_LargestAllowedToken_Complete()
    {
        var result = Run(Parser, [0x01, 0x01, GssapiHeaderParser.MaxTokenLength >> 8, GssapiHeaderParser.MaxTokenLength & 0xFF]);
        Assert.Equal(new GssapiHeader(GssapiMessageType.Authentication, GssapiHeaderParser.MaxTokenLength), result.Value);
    }

    [Fact]
    public void TryParse_SplitAnywhere_SameResult() =>
        AssertIncrementalAgrees(Parser, Hex("01 01 0003"), new GssapiHeader(GssapiMessageType.Authentication, 3), Hex("AABBCC"), [[1, 3], [2]]);

    [Theory]
    [InlineData("01 01 0003")]
    [InlineData("01 FF")]
    [InlineData("02 01")]
    [InlineData("01 01 FFFF")]
    public void TryParse_Prefixes_Settle(string hex) => AssertPrefixesSettle(Parser, Hex(hex));
}
