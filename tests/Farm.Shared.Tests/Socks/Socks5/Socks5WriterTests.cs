using System.Buffers;
using System.Net;
using CsCheck;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;
using static Farm.Shared.Tests.Socks.Parsing;

namespace Farm.Shared.Tests.Socks.Socks5;

public class Socks5WriterTests
{
    private static byte[] Write(Func<byte[], int> write)
    {
        var buffer = new byte[600];
        return buffer[..write(buffer)];
    }

    [Theory]
    [InlineData(Socks5AuthMethod.NoAuthentication, "0500")]
    [InlineData(Socks5AuthMethod.UsernamePassword, "0502")]
    [InlineData(Socks5AuthMethod.NoAcceptableMethods, "05FF")]
    public void WriteMethodSelection_Method_ExactBytes(Socks5AuthMethod method, string hex) =>
        Assert.Equal(Hex(hex), Write(b => Socks5Writer.WriteMethodSelection(b, method)));

    [Theory]
    [InlineData(true, "0100")]
    [InlineData(false, "0101")]
    public void WritePasswordStatus_Verdict_ExactBytes(bool success, string hex) =>
        Assert.Equal(Hex(hex), Write(b => Socks5Writer.WritePasswordStatus(b, success)));

    [Fact]
    public void WriteReply_IPv4_ExactBytes() =>
        Assert.Equal(
            Hex("05 00 00 01 C0000201 0438"),
            Write(b => Socks5Writer.WriteReply(b, Socks5Reply.Succeeded, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 1080))));

    [Fact]
    public void WriteReply_IPv6_ExactBytes() =>
        Assert.Equal(
            Hex("05 00 00 04 20010DB8000000000000000000000001 FFFF"),
            Write(b => Socks5Writer.WriteReply(b, Socks5Reply.Succeeded, new IPEndPoint(IPAddress.Parse("2001:db8::1"), 65535))));

    [Fact]
    public void WriteReply_NullBound_ZeroAddressAndPort() =>
        Assert.Equal(Hex("05 05 00 01 00000000 0000"), Write(b => Socks5Writer.WriteReply(b, Socks5Reply.ConnectionRefused, null)));

    [Fact]
    public void WriteReply_IPv4MappedIPv6_WrittenAsIPv4() =>
        Assert.Equal(
            Hex("05 00 00 01 0A000102 0050"),
            Write(b => Socks5Writer.WriteReply(b, Socks5Reply.Succeeded, new IPEndPoint(IPAddress.Parse("::ffff:10.0.1.2"), 80))));

    [Fact]
    public void WriteReply_DirtyBuffer_ReservedByteZero()
    {
        var buffer = Enumerable.Repeat((byte)0xEE, Socks5Writer.MaxReplyLength).ToArray();
        var length = Socks5Writer.WriteReply(buffer, Socks5Reply.GeneralFailure, null);
        Assert.Equal(Hex("05 01 00 01 00000000 0000"), buffer[..length]);
    }

    [Fact]
    public void WriteReply_BufferTooSmall_Throws() =>
        Assert.ThrowsAny<ArgumentException>(() => Socks5Writer.WriteReply(new byte[9], Socks5Reply.Succeeded, null));

    [Fact]
    public void WriteUdpHeader_Source_ExactBytes() =>
        Assert.Equal(
            Hex("0000 00 01 08080404 0035"),
            Write(b => Socks5Writer.WriteUdpHeader(b, new IPEndPoint(IPAddress.Parse("::ffff:8.8.4.4"), 53))));

    [Fact]
    public void WriteUdpHeader_DomainWithFragment_ExactBytes() =>
        Assert.Equal(
            Hex("0000 02 03 03 616263 0035"),
            Write(b => Socks5Writer.WriteUdpHeader(b, SocksDestination.FromHost("abc", 53), 2)));

    [Fact]
    public void WriteGreeting_Methods_ExactBytes() =>
        Assert.Equal(Hex("05 02 00 02"), Write(b => Socks5Writer.WriteGreeting(b, Socks5AuthMethod.NoAuthentication, Socks5AuthMethod.UsernamePassword)));

    [Fact]
    public void WriteGreeting_NoMethods_Throws() =>
        Assert.Throws<ArgumentException>(() => Socks5Writer.WriteGreeting(new byte[10]));

    [Fact]
    public void WritePasswordRequest_Fields_ExactBytes() =>
        Assert.Equal(Hex("01 01 61 02 C3A9"), Write(b => Socks5Writer.WritePasswordRequest(b, "a", "é")));

    [Theory]
    [InlineData("", "p")]
    [InlineData("u", "")]
    public void WritePasswordRequest_EmptyField_Throws(string user, string password) =>
        Assert.Throws<ArgumentException>(() => Socks5Writer.WritePasswordRequest(new byte[600], user, password));

    [Fact]
    public void WritePasswordRequest_FieldOver255Bytes_Throws() =>
        Assert.Throws<ArgumentException>(() => Socks5Writer.WritePasswordRequest(new byte[600], new string('é', 128), "p"));

    [Fact]
    public void WriteRequest_Domain_ExactBytes() =>
        Assert.Equal(
            Hex("05 01 00 03 0B 6578616D706C652E636F6D 01BB"),
            Write(b => Socks5Writer.WriteRequest(b, SocksCommand.Connect, SocksDestination.FromHost("example.com", 443))));

    [Fact]
    public void WriteRequest_IPv6_ExactBytes() =>
        Assert.Equal(
            Hex("05 02 00 04 00000000000000000000000000000001 0015"),
            Write(b => Socks5Writer.WriteRequest(b, SocksCommand.Bind, SocksDestination.FromAddress(IPAddress.IPv6Loopback, 21))));

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("bücher.example")]
    public void WriteRequest_UnwritableHost_Throws(string host) =>
        Assert.Throws<ArgumentException>(() => Socks5Writer.WriteRequest(new byte[600], SocksCommand.Connect, SocksDestination.FromHost(host, 1)));

    [Fact]
    public void WriteRequest_HostOver255_Throws() =>
        Assert.Throws<ArgumentException>(() => Socks5Writer.WriteRequest(new byte[600], SocksCommand.Connect, SocksDestination.FromHost(new string('a', 256), 1)));

    [Fact]
    public void WriteRequest_GeneratedRequests_RoundTrip() =>
        WireGen.Socks5Request.Sample(m =>
        {
            var written = Write(b => Socks5Writer.WriteRequest(b, m.Expected.Command, m.Expected.Destination));
            Assert.Equal(m.Wire, written);
            Assert.InRange(written.Length, 1, Socks5Writer.MaxRequestLength);
        }, iter: 300);

    [Fact]
    public void WriteReply_GeneratedEndpoints_ParsedBack() =>
        Gen.Select(Gen.OneOf(WireGen.IPv4, WireGen.IPv6), Gen.UShort, Gen.Byte).Sample((address, port, code) =>
        {
            var written = Write(b => Socks5Writer.WriteReply(b, (Socks5Reply)code, new IPEndPoint(address, port)));
            Assert.InRange(written.Length, 1, Socks5Writer.MaxReplyLength);
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(written));
            Assert.Equal(ParseStatus.Complete, Socks5ReplyParser.TryParse(ref reader, out var reply, out var bound, out _));
            Assert.Equal(((Socks5Reply)code, SocksDestination.FromAddress(address, port)), (reply, bound));
        }, iter: 300);

    [Fact]
    public void WriteGreeting_ParsedBack_SameMethods()
    {
        var written = Write(b => Socks5Writer.WriteGreeting(b, Socks5AuthMethod.GssApi, Socks5AuthMethod.UsernamePassword));
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(written));
        Assert.Equal(ParseStatus.Complete, Socks5GreetingParser.TryParse(ref reader, out var greeting, out _));
        Assert.Equal(Socks5MethodSet.Of(Socks5AuthMethod.GssApi, Socks5AuthMethod.UsernamePassword), greeting.Methods);
    }
}
