using System.Text;

namespace Farm.Shared.Socks;

/// <summary>Host names as they travel in SOCKS4a and SOCKS5 requests.</summary>
internal static class HostName
{
    public const int MaxLength = 255;

    /// <summary>
    /// Printable ASCII without space. Internationalised names travel as punycode, and a NUL, control byte or
    /// non-ASCII byte would otherwise reach the resolver, the policy's name matching and the session logs.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<byte> name) =>
        name.Length is > 0 and <= MaxLength && name.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) < 0;

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
