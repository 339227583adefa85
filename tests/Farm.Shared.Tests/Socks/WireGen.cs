using System.Net;
using System.Text;
using CsCheck;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks4;
using Farm.Shared.Socks.Socks5;

namespace Farm.Shared.Tests.Socks;

/// <summary>Generators of valid wire messages, built byte by byte (not with the writers) with the value each must parse to.</summary>
internal static class WireGen
{
    public static readonly Gen<byte[]> Trailing = Gen.Byte.Array[0, 16];

    public static readonly Gen<int[]> MultiSplit = Gen.Int[0, 600].Array[1, 12];

    public static readonly Gen<int[][]> MultiSplits = MultiSplit.Array[5];

    public static readonly Gen<IPAddress> IPv4 = Gen.Byte.Array[4].Select(b => new IPAddress(b));

    public static readonly Gen<IPAddress> IPv6 = Gen.Byte.Array[16].Select(b => new IPAddress(b));

    /// <summary>DNS names as requests may carry them: up to four labels of 1 to 63 characters, at most 255 bytes.</summary>
    public static readonly Gen<string> Host = Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"].Array[1, 63]
        .Select(c => new string(c)).Array[1, 4].Select(labels => string.Join('.', labels));

    /// <summary>Up to 80 characters of at most 3 UTF-8 bytes each: never more than 255 bytes.</summary>
    public static readonly Gen<string> Utf8Text = Gen.Char["abcxyzABC019 ._-@é߀中"].Array[1, 80].Select(c => new string(c));

    public static readonly Gen<SocksCommand> Command = Gen.OneOfConst(SocksCommand.Connect, SocksCommand.Bind, SocksCommand.UdpAssociate);

    public static readonly Gen<(byte[] Wire, SocksDestination Destination)> Socks5Address = Gen.OneOf(
        Gen.Select(IPv4, Gen.UShort, (a, p) => (Cat([1], a.GetAddressBytes(), Port(p)), SocksDestination.FromAddress(a, p))),
        Gen.Select(IPv6, Gen.UShort, (a, p) => (Cat([4], a.GetAddressBytes(), Port(p)), SocksDestination.FromAddress(a, p))),
        Gen.Select(Host, Gen.UShort, (h, p) => (Cat([3, (byte)h.Length], Encoding.ASCII.GetBytes(h), Port(p)), SocksDestination.FromHost(h, p))));

    public static readonly Gen<(byte[] Wire, Socks5Greeting Expected)> Socks5Greeting =
        Gen.Byte.Array[1, 255].Select(methods => (
            Cat([5, (byte)methods.Length], methods),
            new Socks5Greeting(Socks5MethodSet.Of([.. methods.Select(m => (Socks5AuthMethod)m)]))));

    public static readonly Gen<(byte[] Wire, Socks5PasswordRequest Expected)> Socks5PasswordRequest =
        Gen.Select(Utf8Text, Utf8Text, (user, password) =>
        {
            var u = Encoding.UTF8.GetBytes(user);
            var p = Encoding.UTF8.GetBytes(password);
            return (Cat([1, (byte)u.Length], u, [(byte)p.Length], p), new Socks5PasswordRequest(user, password));
        });

    public static readonly Gen<(byte[] Wire, Socks5Request Expected)> Socks5Request =
        Gen.Select(Command, Socks5Address, (c, a) => (Cat([5, (byte)c, 0], a.Wire), new Socks5Request(c, a.Destination)));

    public static readonly Gen<(byte[] Wire, (Socks5Reply, SocksDestination) Expected)> Socks5Reply =
        Gen.Select(Gen.Byte, Socks5Address, (r, a) => (Cat([5, r, 0], a.Wire), ((Socks5Reply)r, a.Destination)));

    public static readonly Gen<(byte[] Wire, Socks5UdpHeader Expected)> Socks5UdpHeader =
        Gen.Select(Gen.Byte, Socks5Address, (f, a) => (Cat([0, 0, f], a.Wire), new Socks5UdpHeader(f, a.Destination)));

    /// <summary>A USERID may be empty; it never contains NUL.</summary>
    public static readonly Gen<string> UserId = Gen.OneOf(Gen.Const(string.Empty), Utf8Text);

    public static readonly Gen<SocksCommand> Socks4Command = Gen.OneOfConst(SocksCommand.Connect, SocksCommand.Bind);

    public static readonly Gen<(byte[] Wire, Socks4Request Expected)> Socks4Request =
        Gen.Select(Socks4Command, IPv4.Where(a => a.GetAddressBytes() is not [0, 0, 0, not 0]), Gen.UShort, UserId, (c, a, p, u) => (
            Cat([4, (byte)c], Port(p), a.GetAddressBytes(), Encoding.UTF8.GetBytes(u), [0]),
            new Socks4Request(c, SocksDestination.FromAddress(a, p), u)));

    public static readonly Gen<(byte[] Wire, Socks4Request Expected)> Socks4aRequest =
        Gen.Select(Socks4Command, Gen.Byte[1, 255], Gen.UShort, UserId, Host).Select((c, x, p, u, h) => (
            Cat([4, (byte)c], Port(p), [0, 0, 0, x], Encoding.UTF8.GetBytes(u), [0], Encoding.ASCII.GetBytes(h), [0]),
            new Socks4Request(c, SocksDestination.FromHost(h, p), u)));

    public static byte[] Port(ushort port) => [(byte)(port >> 8), (byte)port];

    public static byte[] Cat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
