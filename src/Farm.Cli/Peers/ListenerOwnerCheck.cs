using System.Net;
using System.Net.Sockets;
using Farm.Shared.Net;

namespace Farm.Cli.Peers;

/// <summary>
/// Before farmctl sends a token, it checks on the open connection that the socket that accepted it
/// belongs to the expected user (a token file's owner; for a given token on loopback, farmctl's user):
/// another local user listening on the admin port while the member is down would otherwise be handed the token. Checked on the connection
/// itself, after the handshake, so nothing can swap listeners between the check and the request.
/// </summary>
public static class ListenerOwnerCheck
{
    private static readonly string[] Tables = ["/proc/net/tcp", "/proc/net/tcp6"];

    // The server's end is listed once the handshake completes; on loopback that is before connect returns, elsewhere a moment later.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    /// <summary>Connects to <paramref name="endpoint"/> and returns the stream only if <paramref name="owner"/> accepted it.</summary>
    /// <param name="whose">Who <paramref name="owner"/> is, for the message: "who owns &lt;token file&gt;", "who runs farmctl".</param>
    /// <param name="loopbackOnly">Check only a loopback listener (a given token may be meant for a member elsewhere).</param>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, uint owner, string whose, bool loopbackOnly, CancellationToken cancel)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancel).ConfigureAwait(false);
            var server = (IPEndPoint)socket.RemoteEndPoint!;
            var client = (IPEndPoint)socket.LocalEndPoint!;
            if (loopbackOnly && !IPAddress.IsLoopback(SocketTable.Plain(server).Address))
            {
                return new NetworkStream(socket, ownsSocket: true);
            }

            var found = await FindServerOwnerAsync(server, client, cancel).ConfigureAwait(false);
            if (found != owner)
            {
                var who = found is { } uid ? $"is owned by uid {uid}" : "is not a socket of this machine";
                throw new ListenerNotOwnedException(
                    $"the listener on {SocketTable.Plain(server)} {who}, not by uid {owner} {whose}: the token was not sent (is another program on the admin port while the member is down?). If the member runs as that user, pass --trust-listener");
            }

            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<uint?> FindServerOwnerAsync(IPEndPoint server, IPEndPoint client, CancellationToken cancel)
    {
        if (!File.Exists(Tables[0]))
        {
            throw new ListenerNotOwnedException($"cannot tell who listens on {server} (no {Tables[0]}): a token is sent only to its owner's listener; pass --trust-listener");
        }

        for (var waited = TimeSpan.Zero; ; waited += Step)
        {
            var entries = Tables.Where(File.Exists).SelectMany(t => SocketTable.Parse(File.ReadAllText(t))).ToList();
            var owner = SocketTable.ServerOwner(entries, server, client);
            if (owner is not null || waited >= Settle)
            {
                return owner;
            }

            await Task.Delay(Step, cancel).ConfigureAwait(false);
        }
    }
}
