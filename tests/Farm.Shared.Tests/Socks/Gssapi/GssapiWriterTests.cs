using Farm.Shared.Socks;
using Farm.Shared.Socks.Gssapi;
using static Farm.Shared.Tests.Socks.Parsing;

namespace Farm.Shared.Tests.Socks.Gssapi;

public class GssapiWriterTests
{
    [Fact]
    public void WriteMessage_TokenAfterHeader_ParsesBack()
    {
        var buffer = new byte[16];
        var length = GssapiWriter.WriteMessage(buffer, GssapiMessageType.ProtectionLevel, [0x00, 0x11, 0x22]);
        Assert.Equal(Hex("01 02 0003 001122"), buffer[..length]);
        var result = Run<GssapiHeader, GssapiParseError>(GssapiHeaderParser.TryParse, buffer[..length], out var unread);
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal(new GssapiHeader(GssapiMessageType.ProtectionLevel, 3), result.Value);
        Assert.Equal(Hex("001122"), unread);
    }

    [Fact]
    public void WriteAbort_VersionAndFf()
    {
        var buffer = new byte[4];
        Assert.Equal(2, GssapiWriter.WriteAbort(buffer));
        Assert.Equal(Hex("01 FF"), buffer[..2]);
    }

    [Fact]
    public void WriteMessage_AbortType_Throws() =>
        Assert.Throws<ArgumentException>(() => GssapiWriter.WriteMessage(new byte[8], GssapiMessageType.Abort, [0x01]));
}
