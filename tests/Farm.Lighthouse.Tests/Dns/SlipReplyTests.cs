using System.Buffers.Binary;
using Farm.Lighthouse.Dns;

namespace Farm.Lighthouse.Tests.Dns;

public sealed class SlipReplyTests
{
    [Fact]
    public void Query_ReplyIsHeaderAndQuestionWithQrAaAndTc()
    {
        var query = DnsRateLimitTests.Query(0x1234, "socks.farm.test");
        query[2] = 0x01; // RD
        var reply = new byte[SlipReply.MaxLength];

        Assert.True(SlipReply.TryWrite(query, reply, out var length));

        Assert.Equal(query.Length, length);
        Assert.Equal(0x1234, BinaryPrimitives.ReadUInt16BigEndian(reply));
        Assert.Equal(0x80 | 0x04 | 0x02 | 0x01, reply[2]); // QR, AA, TC, RD
        Assert.Equal(0, reply[3]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(4)));
        Assert.All(reply[6..12], b => Assert.Equal(0, b));
        Assert.Equal(query[12..], reply[12..length]);
    }

    [Fact]
    public void QueryWithTrailingRecords_ReplyStopsAfterQuestion()
    {
        var query = DnsRateLimitTests.Query(1, "socks.farm.test");
        query[11] = 1; // ARCOUNT: an OPT record follows
        byte[] withOpt = [.. query, 0, 0, 41, 4, 208, 0, 0, 0, 0, 0, 0];

        Assert.True(SlipReply.TryWrite(withOpt, new byte[SlipReply.MaxLength], out var length));
        Assert.Equal(query.Length, length);
    }

    [Theory]
    [InlineData("response")]
    [InlineData("two questions")]
    [InlineData("cut short")]
    [InlineData("pointer")]
    public void NotOnePlainQuestion_NoReply(string defect)
    {
        var query = DnsRateLimitTests.Query(1, "socks.farm.test");
        switch (defect)
        {
            case "response":
                query[2] = 0x80;
                break;
            case "two questions":
                query[5] = 2;
                break;
            case "cut short":
                query = query[..^3];
                break;
            default:
                query[12] = 0xC0;
                break;
        }

        Assert.False(SlipReply.TryWrite(query, new byte[SlipReply.MaxLength], out _));
    }
}
