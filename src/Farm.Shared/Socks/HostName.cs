using System.Text;

namespace Farm.Shared.Socks;

/// <summary>Host names as they travel in SOCKS4a and SOCKS5 requests.</summary>
internal static class HostName
{
    public const int MaxLength = 255;

    private const int MaxLabelLength = 63;

    /// <summary>
    /// A DNS name (letters, digits, '-' and '_' in labels of 1 to 63, dot-separated, one trailing dot at most),
    /// or an IP literal, which the policy decides as that address. Anything else is refused: the resolver
    /// reads escapes the policy's name matching does not (glibc turns <c>ev\105l.test</c> into
    /// <c>evil.test</c>), and internationalised names travel as punycode.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<byte> name) =>
        name.Length is > 0 and <= MaxLength && (IsDnsName(name) || IsAddressLiteral(name));

    private static bool IsDnsName(ReadOnlySpan<byte> name)
    {
        if (name[^1] == (byte)'.')
        {
            name = name[..^1];
        }

        var label = 0;
        foreach (var b in name)
        {
            if (b == (byte)'.')
            {
                if (label == 0)
                {
                    return false;
                }

                label = 0;
            }
            else if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_')
            {
                if (++label > MaxLabelLength)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        return label > 0;
    }

    private static bool IsAddressLiteral(ReadOnlySpan<byte> name) =>
        name.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) < 0 && AddressLiteral.TryParse(Decode(name), out _);

    public static string Decode(ReadOnlySpan<byte> name) => Encoding.ASCII.GetString(name);

    /// <summary>Writes <paramref name="host"/> as ASCII and returns its length.</summary>
    /// <exception cref="ArgumentException">The name is empty, longer than 255 bytes or not printable ASCII.</exception>
    public static int Encode(string host, Span<byte> destination)
    {
        if (host.Length is 0 or > MaxLength || host.AsSpan().IndexOfAnyExceptInRange('!', '~') >= 0)
        {
            throw new ArgumentException("A host name must be 1 to 255 printable ASCII characters.", nameof(host));
        }

        return Encoding.ASCII.GetBytes(host, destination);
    }
}
