using System.Net;
using Farm.Shared.Net;

namespace Farm.Shared.Tests.Net;

/// <summary>The kernel's TCP tables as farmctl reads them to learn who accepted its connection.</summary>
public sealed class SocketTableTests
{
    private const string Ipv4 = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 0100007F:B813 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65534        0 1001 1 0000000000000000 100 0 0 10 0
           1: 0100007F:B813 0100007F:D880 01 00000000:00000000 00:00000000 00000000 65534        0 0 1 0000000000000000 20 4 30 10 -1
           2: 0100007F:D880 0100007F:B813 01 00000000:00000000 00:00000000 00000000     0        0 1002 1 0000000000000000 20 4 30 10 -1
        """;

    private const string Ipv6 = """
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 0000000000000000FFFF00000100007F:2396 0000000000000000FFFF00000100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 7 1 0 20 4 30 10 -1
           1: 00000000000000000000000001000000:2397 00000000000000000000000001000000:9C41 01 00000000:00000000 00:00000000 00000000  1001        0 8 1 0 20 4 30 10 -1
        """;

    [Fact]
    public void ServerEndOfAConnection_OwnedByTheListenersUser()
    {
        var entries = SocketTable.Parse(Ipv4).ToList();

        Assert.Equal(3, entries.Count);
        Assert.Equal(65534u, SocketTable.ServerOwner(entries, new IPEndPoint(IPAddress.Loopback, 0xB813), new IPEndPoint(IPAddress.Loopback, 0xD880)));
        Assert.Null(SocketTable.ServerOwner(entries, new IPEndPoint(IPAddress.Loopback, 0xB813), new IPEndPoint(IPAddress.Loopback, 0xD881)));
    }

    [Fact]
    public void Ipv6Table_MappedAndLoopbackEnds()
    {
        var entries = SocketTable.Parse(Ipv6).ToList();

        Assert.Equal(1000u, SocketTable.ServerOwner(entries, new IPEndPoint(IPAddress.Loopback, 0x2396), new IPEndPoint(IPAddress.Loopback, 0x9C40)));
        Assert.Equal(1001u, SocketTable.ServerOwner(entries, new IPEndPoint(IPAddress.IPv6Loopback, 0x2397), new IPEndPoint(IPAddress.IPv6Loopback, 0x9C41)));
    }
}
