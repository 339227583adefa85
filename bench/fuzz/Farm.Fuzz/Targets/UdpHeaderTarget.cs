using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Fuzz.Targets;

/// <summary>The SOCKS5 UDP datagram header: a datagram is never continued, so it is parsed once, whole.</summary>
internal static class UdpHeaderTarget
{
    public static void Run(byte[] input)
    {
        var status = Socks5UdpHeaderParser.TryParse(input, out _, out var headerLength, out var error);
        var consistent = status switch
        {
            ParseStatus.Complete => headerLength > 3 && headerLength <= input.Length && headerLength <= Socks5UdpHeaderParser.MaxLength && error == Socks5ParseError.None,
            ParseStatus.Invalid => headerLength == 0 && error != Socks5ParseError.None,
            _ => headerLength == 0 && error == Socks5ParseError.None,
        };
        if (!consistent)
        {
            throw new FuzzFailure($"{status} with header length {headerLength} of {input.Length} bytes, error {error}");
        }
    }
}
