using System.Net;
using System.Text;
using Farm.Shared.Proxy;
using Farm.Shared.Socks;

namespace Farm.Shared.Tests.Proxy;

public sealed class ProxyHeaderParserTests
{
    private static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    [Fact]
    public void V1Tcp4_GivesTheSourceAndDestination_AndItsLength()
    {
        var bytes = Ascii("PROXY TCP4 192.0.2.10 198.51.100.1 56324 1080\r\n\x05\x01\x00");

        Assert.Equal(ParseStatus.Complete, ProxyHeaderParser.TryParse(bytes, out var header, out var consumed, out _));

        Assert.Equal(new ProxyHeader(1, ProxyCommand.Proxy, IPEndPoint.Parse("192.0.2.10:56324"), IPEndPoint.Parse("198.51.100.1:1080")), header);
        Assert.Equal(bytes.Length - 3, consumed);
    }

    [Fact]
    public void V1Tcp6_AndUnknown()
    {
        Assert.Equal(ParseStatus.Complete, ProxyHeaderParser.TryParse(Ascii("PROXY TCP6 2001:db8::1 2001:db8::2 1 65535\r\n"), out var v6, out _, out _));
        Assert.Equal(IPEndPoint.Parse("[2001:db8::1]:1"), v6!.Source);

        Assert.Equal(ParseStatus.Complete, ProxyHeaderParser.TryParse(Ascii("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n"), out var unknown, out _, out _));
        Assert.Equal(ProxyCommand.Local, unknown!.Command);
    }

    [Theory]
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 56324\r\n")]
    [InlineData("PROXY TCP4 2001:db8::1 198.51.100.1 1 2\r\n")]
    [InlineData("PROXY TCP6 192.0.2.10 198.51.100.1 1 2\r\n")]
    [InlineData("PROXY TCP4 1 198.51.100.1 1 2\r\n")]
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 65536 2\r\n")]
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 +1 2\r\n")]
    [InlineData("PROXY TCP4 192.0.2.10  198.51.100.1 1 2\r\n")]
    [InlineData("PROXY UDP4 192.0.2.10 198.51.100.1 1 2\r\n")]
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 1 2\n")]
    public void V1Malformed_Invalid(string text)
    {
        Assert.Equal(ParseStatus.Invalid, ProxyHeaderParser.TryParse(Ascii(text), out _, out _, out var error));
        Assert.Equal(ProxyHeaderError.Malformed, error);
    }

    [Fact]
    public void V1WithoutEndWithin107Bytes_Invalid_ShorterIsIncomplete()
    {
        var endless = Ascii("PROXY TCP4 " + new string('1', 120));

        Assert.Equal(ParseStatus.Incomplete, ProxyHeaderParser.TryParse(endless.AsSpan(0, 100), out _, out _, out _));
        Assert.Equal(ParseStatus.Invalid, ProxyHeaderParser.TryParse(endless, out _, out _, out var error));
        Assert.Equal(ProxyHeaderError.Malformed, error);
    }

    [Theory]
    [InlineData(new byte[] { 5, 1, 0 })]
    [InlineData(new byte[] { (byte)'G', (byte)'E', (byte)'T' })]
    [InlineData(new byte[] { 0x0D, 0x0A, 0x0D, 0x0B })]
    public void NoSignature_Missing(byte[] bytes)
    {
        Assert.Equal(ParseStatus.Invalid, ProxyHeaderParser.TryParse(bytes, out _, out _, out var error));
        Assert.Equal(ProxyHeaderError.Missing, error);
    }

    [Fact]
    public void V2Tcp4_WithATlv_SkipsIt_AndEveryShorterPrefixIsIncomplete()
    {
        byte[] tlv = [0x04, 0x00, 0x01, 0xAA];
        var header = V2(0x21, 0x11, [192, 0, 2, 10, 198, 51, 100, 1, 0xDC, 0x04, 0x04, 0x38, .. tlv]);

        for (var length = 0; length < header.Length; length++)
        {
            Assert.Equal(ParseStatus.Incomplete, ProxyHeaderParser.TryParse(header.AsSpan(0, length), out _, out _, out _));
        }

        Assert.Equal(ParseStatus.Complete, ProxyHeaderParser.TryParse([.. header, 5, 1, 0], out var parsed, out var consumed, out _));
        Assert.Equal(new ProxyHeader(2, ProxyCommand.Proxy, IPEndPoint.Parse("192.0.2.10:56324"), IPEndPoint.Parse("198.51.100.1:1080")), parsed);
        Assert.Equal(header.Length, consumed);
    }

    [Fact]
    public void V2Tcp6()
    {
        var source = IPAddress.Parse("2001:db8::1").GetAddressBytes();
        var destination = IPAddress.Parse("2001:db8::2").GetAddressBytes();

        Assert.Equal(ParseStatus.Complete, ProxyHeaderParser.TryParse(V2(0x21, 0x21, [.. source, .. destination, 0, 80, 0, 81]), out var parsed, out _, out _));

        Assert.Equal(IPEndPoint.Parse("[2001:db8::1]:80"), parsed!.Source);
        Assert.Equal(IPEndPoint.Parse("[2001:db8::2]:81"), parsed.Destination);
    }

    [Fact]
    public void V2Local_IsTheProxyItself_WhateverTheFamily()
    {
        Assert.Equal(ParseStatus.Complete, ProxyHeaderParser.TryParse(V2(0x20, 0x00, []), out var parsed, out var consumed, out _));

        Assert.Equal(ProxyHeader.Local(2), parsed);
        Assert.Equal(16, consumed);
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x12)]
    [InlineData(0x22)]
    [InlineData(0x31)]
    public void V2ProxyForAnotherFamily_UnsupportedFamily(byte family)
    {
        Assert.Equal(ParseStatus.Invalid, ProxyHeaderParser.TryParse(V2(0x21, family, new byte[216]), out _, out _, out var error));
        Assert.Equal(ProxyHeaderError.UnsupportedFamily, error);
    }

    [Theory]
    [InlineData(0x11, 0x11, 12)]
    [InlineData(0x22, 0x11, 12)]
    [InlineData(0x21, 0x11, 11)]
    [InlineData(0x21, 0x21, 35)]
    public void V2BadVersionCommandOrShortAddresses_Malformed(byte versionCommand, byte family, int length)
    {
        Assert.Equal(ParseStatus.Invalid, ProxyHeaderParser.TryParse(V2(versionCommand, family, new byte[length]), out _, out _, out var error));
        Assert.Equal(ProxyHeaderError.Malformed, error);
    }

    [Fact]
    public void V2LongerThanAccepted_MalformedBeforeItArrives()
    {
        byte[] announced = [.. V2Signature, 0x21, 0x11, 0x02, 0x00];

        Assert.Equal(ParseStatus.Invalid, ProxyHeaderParser.TryParse(announced, out _, out _, out var error));
        Assert.Equal(ProxyHeaderError.Malformed, error);
    }

    private static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    private static byte[] V2(byte versionCommand, byte family, byte[] body) =>
        [.. V2Signature, versionCommand, family, (byte)(body.Length >> 8), (byte)body.Length, .. body];
}
