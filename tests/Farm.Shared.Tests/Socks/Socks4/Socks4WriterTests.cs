using System.Buffers;
using System.Net;
using CsCheck;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks4;
using static Farm.Shared.Tests.Socks.Parsing;

namespace Farm.Shared.Tests.Socks.Socks4;

public class Socks4WriterTests
{
    private static byte[] Write(Func<byte[], int> write)
    {
        var buffer = new byte[600];
        return buffer[..write(buffer)];
    }

    [Fact]
    public void WriteReply_IPv4_ExactBytes() =>
        Assert.Equal(
            Hex("00 5A 0438 C0000201"),
            Write(b => Socks4Writer.WriteReply(b, Socks4Reply.Granted, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 1080))));

    [Fact]
    public void WriteReply_NullBound_Zeros() =>
        Assert.Equal(Hex("00 5B 0000 00000000"), Write(b => Socks4Writer.WriteReply(b, Socks4Reply.Rejected, null)));

    [Fact]
    public void WriteReply_IPv4Mapped_WrittenAsIPv4() =>
        Assert.Equal(
            Hex("00 5A 0050 0A000102"),
            Write(b => Socks4Writer.WriteReply(b, Socks4Reply.Granted, new IPEndPoint(IPAddress.Parse("::ffff:10.0.1.2"), 80))));

    [Fact]
    public void WriteReply_IPv6_Throws() =>
        Assert.Throws<ArgumentException>(() => Socks4Writer.WriteReply(new byte[8], Socks4Reply.Granted, new IPEndPoint(IPAddress.IPv6Loopback, 1)));

    [Fact]
    public void WriteReply_Always_ReplyLength() =>
        Assert.Equal(Socks4Writer.ReplyLength, Socks4Writer.WriteReply(new byte[8], Socks4Reply.IdentdMismatch, null));

    [Theory]
    [InlineData(Socks4Reply.Granted, 90)]
    [InlineData(Socks4Reply.Rejected, 91)]
    [InlineData(Socks4Reply.IdentdUnreachable, 92)]
    [InlineData(Socks4Reply.IdentdMismatch, 93)]
    public void Socks4Reply_HasWireValue(Socks4Reply reply, byte code) => Assert.Equal(code, (byte)reply);

    [Fact]
    public void WriteRequest_Address_ExactBytes() =>
        Assert.Equal(
            Hex("04 01 0050 C0000201 626F62 00"),
            Write(b => Socks4Writer.WriteRequest(b, SocksCommand.Connect, SocksDestination.FromAddress(IPAddress.Parse("192.0.2.1"), 80), "bob")));

    [Fact]
    public void WriteRequest_Host_Socks4aExactBytes() =>
        Assert.Equal(
            Hex("04 02 0015 00000001 00 6674702E6578616D706C652E6F7267 00"),
            Write(b => Socks4Writer.WriteRequest(b, SocksCommand.Bind, SocksDestination.FromHost("ftp.example.org", 21), string.Empty)));

    [Fact]
    public void WriteRequest_UserIdWithNul_Throws() =>
        Assert.Throws<ArgumentException>(() => Socks4Writer.WriteRequest(new byte[600], SocksCommand.Connect, SocksDestination.FromHost("a", 1), "a\0b"));

    [Fact]
    public void WriteRequest_UserIdOver255Bytes_Throws() =>
        Assert.Throws<ArgumentException>(() => Socks4Writer.WriteRequest(new byte[600], SocksCommand.Connect, SocksDestination.FromHost("a", 1), new string('u', 256)));

    [Fact]
    public void WriteRequest_IPv6_Throws() =>
        Assert.Throws<ArgumentException>(() => Socks4Writer.WriteRequest(new byte[600], SocksCommand.Connect, SocksDestination.FromAddress(IPAddress.IPv6Loopback, 1), "u"));

    [Fact]
    public void WriteRequest_GeneratedRequests_SameBytesAsGenerated()
    {
        Gen.Select(WireGen.Socks4Request, WireGen.Socks4aRequest).Sample((plain, host) =>
        {
            Assert.Equal(plain.Wire, Write(b => Socks4Writer.WriteRequest(b, plain.Expected.Command, plain.Expected.Destination, plain.Expected.UserId)));
            var written = Write(b => Socks4Writer.WriteRequest(b, host.Expected.Command, host.Expected.Destination, host.Expected.UserId));
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(written));
            Assert.Equal(ParseStatus.Complete, Socks4RequestParser.TryParse(ref reader, out var parsed, out _));
            Assert.Equal(host.Expected, parsed);
        }, iter: 300);
    }
}
