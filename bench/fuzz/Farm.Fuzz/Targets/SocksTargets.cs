using Farm.Shared.Socks.Gssapi;
using Farm.Shared.Socks.Socks4;
using Farm.Shared.Socks.Socks5;

namespace Farm.Fuzz.Targets;

/// <summary>The parsers a SOCKS server runs on a client's first bytes, one target each.</summary>
internal static class SocksTargets
{
    public static void Socks4Request(byte[] input) => IncrementalCheck.Run<Socks4Request?, Socks4ParseError>(input, Socks4RequestParser.TryParse);

    public static void Socks5Greeting(byte[] input) => IncrementalCheck.Run<Socks5Greeting, Socks5ParseError>(input, Socks5GreetingParser.TryParse);

    public static void Socks5Password(byte[] input) => IncrementalCheck.Run<Socks5PasswordRequest?, Socks5ParseError>(input, Socks5PasswordRequestParser.TryParse);

    public static void GssapiHeader(byte[] input) => IncrementalCheck.Run<GssapiHeader, GssapiParseError>(input, GssapiHeaderParser.TryParse);

    public static void Socks5Request(byte[] input) => IncrementalCheck.Run<Socks5Request, Socks5ParseError>(input, Socks5RequestParser.TryParse);
}
