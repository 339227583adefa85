using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace Farm.Shared.Net;

/// <summary>
/// Parses the kernel's TCP socket tables (<c>/proc/net/tcp</c> and <c>/proc/net/tcp6</c>). Pure: the
/// caller reads the files. A connection accepted on this machine is listed from the server's side,
/// owned by the user that owns the listening socket, as soon as the handshake completes.
/// </summary>
public static class SocketTable
{
    private const int LocalColumn = 1;
    private const int RemoteColumn = 2;
    private const int OwnerColumn = 7;

    public static IEnumerable<SocketTableEntry> Parse(string table)
    {
        foreach (var line in table.Split('\n').Skip(1))
        {
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length > OwnerColumn
                && ParseEndPoint(columns[LocalColumn]) is { } local
                && ParseEndPoint(columns[RemoteColumn]) is { } remote
                && uint.TryParse(columns[OwnerColumn], NumberStyles.None, CultureInfo.InvariantCulture, out var owner))
            {
                yield return new SocketTableEntry(local, remote, owner);
            }
        }
    }

    /// <summary>
    /// The owner of the server's end of the connection from <paramref name="client"/> to
    /// <paramref name="server"/>, or null when no socket of this machine is that end.
    /// </summary>
    public static uint? ServerOwner(IEnumerable<SocketTableEntry> entries, IPEndPoint server, IPEndPoint client)
    {
        var (serverEnd, clientEnd) = (Plain(server), Plain(client));
        return entries.FirstOrDefault(e => Plain(e.Local).Equals(serverEnd) && Plain(e.Remote).Equals(clientEnd))?.Owner;
    }

    /// <summary>An IPv4-mapped IPv6 end (a dual-stack socket's view) as the IPv4 end it is.</summary>
    public static IPEndPoint Plain(IPEndPoint end) =>
        end.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(end.Address.MapToIPv4(), end.Port) : end;

    // "0100007F:A77D": the address as the kernel's native-endian 32-bit words in hex, then the port.
    private static IPEndPoint? ParseEndPoint(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon is not (8 or 32) || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        var bytes = new byte[colon / 2];
        for (var word = 0; word < bytes.Length / 4; word++)
        {
            if (!uint.TryParse(text.AsSpan(word * 8, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            MemoryMarshal.Write(bytes.AsSpan(word * 4), in value);
        }

        return new IPEndPoint(new IPAddress(bytes), port);
    }
}
