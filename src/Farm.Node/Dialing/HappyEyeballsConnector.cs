using System.Net;
using System.Net.Sockets;

namespace Farm.Node.Dialing;

/// <summary>
/// Connects to the first address that answers, RFC 8305 style: families interleaved, a new
/// attempt started every <see cref="AttemptDelay"/> or as soon as the previous one fails, the
/// first success wins and the others are closed. Within <see cref="DialLimits"/>: so many addresses
/// a request, so many attempts at once.
/// </summary>
public static class HappyEyeballsConnector
{
    public static readonly TimeSpan AttemptDelay = TimeSpan.FromMilliseconds(250);

    /// <param name="client">The client the dial is for: its source's share of the node's extra places bounds the attempts beside the first.</param>
    public static async Task<ConnectAttempt> ConnectAsync(IReadOnlyList<IPAddress> addresses, int port, IPAddress? source, DialLimits limits, IPAddress client, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var ordered = Interleave(addresses, source);
        if (ordered.Count == 0)
        {
            return new ConnectAttempt(null, null, SocketError.AddressFamilyNotSupported);
        }

        if (ordered.Count == 1)
        {
            return await AttemptAsync(ordered[0], port, source, cancel).ConfigureAwait(false);
        }

        var tried = Math.Min(ordered.Count, limits.AttemptsPerRequest);
        using var race = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var pending = new List<Task<ConnectAttempt>>();
        var next = 0;
        var due = true;
        var last = new ConnectAttempt(null, null, SocketError.HostUnreachable);
        ConnectAttempt? winner = null;
        try
        {
            while (winner is null && (next < tried || pending.Count > 0))
            {
                if (next < tried && pending.Count == 0)
                {
                    pending.Add(AttemptAsync(ordered[next++], port, source, race.Token));
                }
                else if (next < tried && due && pending.Count < limits.AttemptsInFlight && limits.TryTakeExtra(client))
                {
                    pending.Add(ExtraAttemptAsync(ordered[next++], port, source, limits, client, race.Token));
                }

                due = false;
                var more = next < tried && pending.Count < limits.AttemptsInFlight;
                var delay = more ? Task.Delay(AttemptDelay, race.Token) : Task.Delay(Timeout.Infinite, race.Token);
                var done = await Task.WhenAny([.. pending, delay]).ConfigureAwait(false);
                if (done == delay)
                {
                    due = true;
                    continue;
                }

                var attempt = await ((Task<ConnectAttempt>)done).ConfigureAwait(false);
                pending.Remove((Task<ConnectAttempt>)done);
                if (attempt.Socket is not null)
                {
                    winner = attempt;
                }
                else
                {
                    // A failed attempt makes way for the next address at once (RFC 8305).
                    last = attempt;
                    due = true;
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await CloseLosersAsync(pending, null).ConfigureAwait(false);
            throw;
        }

        race.Cancel();
        await CloseLosersAsync(pending, winner?.Socket).ConfigureAwait(false);
        return winner ?? last;
    }

    /// <summary>An attempt beside the request's first: its place is given back once it has an answer.</summary>
    private static async Task<ConnectAttempt> ExtraAttemptAsync(IPAddress address, int port, IPAddress? source, DialLimits limits, IPAddress client, CancellationToken cancel)
    {
        try
        {
            return await AttemptAsync(address, port, source, cancel).ConfigureAwait(false);
        }
        finally
        {
            limits.ReleaseExtra(client);
        }
    }

    private static async Task CloseLosersAsync(List<Task<ConnectAttempt>> pending, Socket? winner)
    {
        foreach (var task in pending)
        {
            try
            {
                var attempt = await task.ConfigureAwait(false);
                if (attempt.Socket is not null && attempt.Socket != winner)
                {
                    attempt.Socket.Dispose();
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static async Task<ConnectAttempt> AttemptAsync(IPAddress address, int port, IPAddress? source, CancellationToken cancel)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(new IPEndPoint(address, port), cancel).ConfigureAwait(false);
            return new ConnectAttempt(socket, address, SocketError.Success);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            return new ConnectAttempt(null, address, e.SocketErrorCode);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Alternates families, keeping the resolver's order within each; with a source address, only its family.</summary>
    private static List<IPAddress> Interleave(IReadOnlyList<IPAddress> addresses, IPAddress? source)
    {
        var usable = source is null ? addresses : addresses.Where(a => a.AddressFamily == source.AddressFamily).ToList();
        if (usable.Count == 0)
        {
            return [];
        }

        var first = usable.Where(a => a.AddressFamily == usable[0].AddressFamily).ToList();
        var second = usable.Where(a => a.AddressFamily != usable[0].AddressFamily).ToList();
        var ordered = new List<IPAddress>(usable.Count);
        for (var i = 0; i < Math.Max(first.Count, second.Count); i++)
        {
            if (i < first.Count)
            {
                ordered.Add(first[i]);
            }

            if (i < second.Count)
            {
                ordered.Add(second[i]);
            }
        }

        return ordered;
    }
}
