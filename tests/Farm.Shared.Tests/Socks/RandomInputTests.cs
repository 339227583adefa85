using CsCheck;
using Farm.Shared.Socks.Socks4;
using Farm.Shared.Socks.Socks5;
using Farm.Shared.Tests.Socks.Socks4;
using Farm.Shared.Tests.Socks.Socks5;
using static Farm.Shared.Tests.Socks.Parsing;

namespace Farm.Shared.Tests.Socks;

/// <summary>Every parser against arbitrary bytes: never an exception, only a well-formed verdict.</summary>
public class RandomInputTests
{
    /// <summary>Uniform bytes rarely get past the version byte, so most inputs start with a plausible header.</summary>
    private static readonly Gen<byte[]> Input = Gen.Select(
        Gen.OneOf(
            Gen.Const(Array.Empty<byte>()),
            Gen.OneOfConst<byte[]>([0x00], [0x01], [0x04], [0x05], [0x00, 0x00], [0x04, 0x01], [0x05, 0x01, 0x00], [0x00, 0x00, 0x00]),
            Gen.OneOfConst<byte[]>([0x05, 0x01, 0x00, 0x03], [0x04, 0x01, 0x00, 0x50, 0, 0, 0, 1], [0x01, 0x05], [0x00, 0x00, 0x00, 0x03])),
        Gen.Byte.Array[0, 4096],
        (header, rest) => (byte[])[.. header, .. rest]);

    private static readonly Gen<(byte[], int)> InputAndCut = Gen.Select(Input, Gen.Int[0, 4200]);

    private static readonly Gen<byte[]> ShortInput = Input.Select(b => b[..Math.Min(b.Length, 600)]);

    [Fact]
    public void Socks5GreetingParser_RandomBytes_WellBehaved() =>
        InputAndCut.Sample((b, c) => AssertWellBehaved<Socks5Greeting, Socks5ParseError>(Socks5GreetingParser.TryParse, b, c), iter: 1000);

    [Fact]
    public void Socks5PasswordRequestParser_RandomBytes_WellBehaved() =>
        InputAndCut.Sample((b, c) => AssertWellBehaved<Socks5PasswordRequest?, Socks5ParseError>(Socks5PasswordRequestParser.TryParse, b, c), iter: 1000);

    [Fact]
    public void Socks5RequestParser_RandomBytes_WellBehaved() =>
        InputAndCut.Sample((b, c) => AssertWellBehaved<Socks5Request, Socks5ParseError>(Socks5RequestParser.TryParse, b, c), iter: 1000);

    [Fact]
    public void Socks5ReplyParser_RandomBytes_WellBehaved() =>
        InputAndCut.Sample((b, c) => AssertWellBehaved(Socks5ReplyParserTests.Parser, b, c), iter: 1000);

    [Fact]
    public void Socks5MethodSelectionParser_RandomBytes_WellBehaved() =>
        InputAndCut.Sample((b, c) => AssertWellBehaved<Socks5AuthMethod, Socks5ParseError>(Socks5MethodSelectionParser.TryParse, b, c), iter: 1000);

    [Fact]
    public void Socks5PasswordStatusParser_RandomBytes_WellBehaved() =>
        InputAndCut.Sample((b, c) => AssertWellBehaved<bool, Socks5ParseError>(Socks5PasswordStatusParser.TryParse, b, c), iter: 1000);

    [Fact]
    public void Socks5UdpHeaderParser_RandomBytes_WellBehaved() =>
        InputAndCut.Sample((b, c) => AssertWellBehaved(Socks5UdpHeaderParserTests.Parser, b, c), iter: 1000);

    [Fact]
    public void Socks4RequestParser_RandomBytes_WellBehaved() =>
        InputAndCut.Sample((b, c) => AssertWellBehaved<Socks4Request?, Socks4ParseError>(Socks4RequestParser.TryParse, b, c), iter: 1000);

    [Fact]
    public void Socks4ReplyParser_RandomBytes_WellBehaved() =>
        InputAndCut.Sample((b, c) => AssertWellBehaved(Socks4ReplyParserTests.Parser, b, c), iter: 1000);

    [Fact]
    public void Socks5GreetingParser_RandomPrefixes_VerdictNeverChanges() =>
        ShortInput.Sample(b => AssertPrefixesSettle<Socks5Greeting, Socks5ParseError>(Socks5GreetingParser.TryParse, b), iter: 100);

    [Fact]
    public void Socks5PasswordRequestParser_RandomPrefixes_VerdictNeverChanges() =>
        ShortInput.Sample(b => AssertPrefixesSettle<Socks5PasswordRequest?, Socks5ParseError>(Socks5PasswordRequestParser.TryParse, b), iter: 100);

    [Fact]
    public void Socks5RequestParser_RandomPrefixes_VerdictNeverChanges() =>
        ShortInput.Sample(b => AssertPrefixesSettle<Socks5Request, Socks5ParseError>(Socks5RequestParser.TryParse, b), iter: 100);

    [Fact]
    public void Socks5ReplyParser_RandomPrefixes_VerdictNeverChanges() =>
        ShortInput.Sample(b => AssertPrefixesSettle(Socks5ReplyParserTests.Parser, b), iter: 100);

    [Fact]
    public void Socks4RequestParser_RandomPrefixes_VerdictNeverChanges() =>
        ShortInput.Sample(b => AssertPrefixesSettle<Socks4Request?, Socks4ParseError>(Socks4RequestParser.TryParse, b), iter: 100);

    [Fact]
    public void Socks4RequestParser_LongUserIdPrefixes_VerdictNeverChanges() =>
        Gen.Byte[1, 255].Array[250, 600].Sample(
            userId => AssertPrefixesSettle<Socks4Request?, Socks4ParseError>(Socks4RequestParser.TryParse, [0x04, 0x01, 0x00, 0x50, 0, 0, 0, 1, .. userId]),
            iter: 20);
}
