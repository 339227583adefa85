using System.Net;
using System.Net.Sockets;

namespace Farm.Shared.Listening;

/// <summary>
/// Tries every planned port before anything starts, so a second instance on a taken port stops with
/// one line instead of half starting (Kestrel, Akka remoting and the DNS server each fail in their own
/// way, with stack traces and shutdown logs). Every probe is held until all are tried, so two
/// services configured on one port clash too.
/// </summary>
public static class ListenerPreflight
{
    // SO_REUSEADDR alone: on Linux it still refuses a port another socket listens on, yet lets a
    // restarted member past the TIME_WAIT connections its predecessor left.
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    public static PortClash? FindClash(IEnumerable<PlannedListener> listeners)
    {
        ArgumentNullException.ThrowIfNull(listeners);
        var probes = new List<Socket>();
        try
        {
            foreach (var listener in listeners.Where(l => l.Endpoint.Port != 0))
            {
                var probe = listener.Protocol == ListenProtocol.Udp
                    ? new Socket(listener.Endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
                    : new Socket(listener.Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                probes.Add(probe);
                try
                {
                    if (listener.Endpoint.AddressFamily == AddressFamily.InterNetworkV6)
                    {
                        probe.DualMode = listener.Endpoint.Address.Equals(IPAddress.IPv6Any);
                    }

                    if (listener.Protocol == ListenProtocol.Tcp)
                    {
                        probe.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
                    }

                    probe.Bind(listener.Endpoint);
                    if (listener.Protocol == ListenProtocol.Tcp)
                    {
                        probe.Listen(1);
                    }
                }
                catch (SocketException e)
                {
                    return new PortClash(listener, e.SocketErrorCode);
                }
            }

            return null;
        }
        finally
        {
            probes.ForEach(p => p.Dispose());
        }
    }
}
