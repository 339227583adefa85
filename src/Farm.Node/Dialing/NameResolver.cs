using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Farm.Node.Options;
using Farm.Node.Sources;
using Farm.Shared.Net;

namespace Farm.Node.Dialing;

/// <summary>
/// Resolves destination names for the node: with the system resolver, or with the DNS servers of
/// <c>Farm:Resolver:Servers</c> when set (A and AAAA, asked together). A name that is an IP literal
/// ("0.0.0.0", "::", "127.1") is that address and is never sent to DNS: the runtime's resolver throws
/// ArgumentException for some (found by an outsider's attack: "0.0.0.0" reset the session with a stack
/// trace in the log).
/// A lookup holds descriptors the session caps do not count (a UDP socket per query, A and AAAA asked at
/// once): at most <see cref="LookupPlaces"/> lookups for clients are in flight on the node, shared by
/// the sources as <see cref="SharedPlaces"/> shares them, and kept in the session caps' margin. Before,
/// 240 CONNECTs to names a DNS server never answered took 1018 descriptors of 1024 (outsider review of
/// issue 16, att16b).
/// </summary>
public sealed class NameResolver
{
    /// <summary>Name lookups for clients in flight at once on the node.</summary>
    public const int LookupPlaces = 16;

    /// <summary>What one lookup may hold: a UDP socket for the A query and one for the AAAA query.</summary>
    public const int DescriptorsPerLookup = 2;

    private const int DnsPort = 53;

    private readonly LookupClient? _servers;

    public NameResolver(ResolverOptions options, SourcePrefixLengths prefixes)
    {
        ArgumentNullException.ThrowIfNull(options);
        Lookups = new SharedPlaces(LookupPlaces, prefixes);
        if (options.Servers.Count == 0)
        {
            return;
        }

        var endpoints = options.Servers.Select(ParseServer).ToArray();
        _servers = new LookupClient(new LookupClientOptions(endpoints)
        {
            Timeout = options.QueryTimeout,
            Retries = 1,
            // No cache: DnsClient's holds every distinct name for its TTL with no bound on their number, so a
            // client asking for ever new names grew the node by about 1.3 KB a name (outsider review att16c).
            // Every answer is decided again anyway; a caching resolver belongs in Farm:Resolver:Servers.
            UseCache = false,
            ContinueOnDnsError = false,
            ThrowDnsErrors = false,
        });
    }

    /// <summary>The places of the lookups for clients.</summary>
    public SharedPlaces Lookups { get; }

    /// <summary>
    /// A name a client asked for, within the lookup places of its source: a lookup waits for a place as long as
    /// <paramref name="cancel"/> allows. An IP literal needs no place.
    /// </summary>
    /// <exception cref="NoLookupPlaceException">No place came free before <paramref name="cancel"/>.</exception>
    /// <exception cref="SocketException">The name does not resolve (HostNotFound, NoData, TryAgain, ...).</exception>
    public Task<IPAddress[]> ResolveAsync(string host, IPAddress client, CancellationToken cancel) =>
        WithinPlaceAsync(host, client, _servers, cancel);

    /// <summary>
    /// An upstream proxy's name, for a request of <paramref name="client"/>: with the system resolver (the
    /// operator's name for the operator's proxy, as <c>/etc/hosts</c> may know it), within the client's lookup
    /// places like any name a client's request makes the node resolve. Before, it took no place (outsider review att16c).
    /// </summary>
    /// <exception cref="NoLookupPlaceException">No place came free before <paramref name="cancel"/>.</exception>
    /// <exception cref="SocketException">The name does not resolve.</exception>
    public Task<IPAddress[]> ResolveUpstreamAsync(string host, IPAddress client, CancellationToken cancel) =>
        WithinPlaceAsync(host, client, null, cancel);

    /// <summary>
    /// A name the node asks about for itself (the admin's policy test, counted with the admin's connections in
    /// the session caps' margin), outside the clients' lookup places.
    /// </summary>
    /// <exception cref="SocketException">The name does not resolve (HostNotFound, NoData, TryAgain, ...).</exception>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        return _servers is { } servers
            ? await QueryAsync(servers, host, cancel).ConfigureAwait(false)
            : await SystemLookupAsync(host).WaitAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// The lookup holds its source's place until it really ends, not merely until the request stops waiting for it:
    /// a system lookup (getaddrinfo on a pool thread) cannot be stopped, so a place given back on a timeout let more
    /// lookups run than there are places (outsider review att16c). Abandoned lookups are thereby bounded by the places too.
    /// </summary>
    private async Task<IPAddress[]> WithinPlaceAsync(string host, IPAddress client, LookupClient? servers, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(client);
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        try
        {
            await Lookups.TakeAsync(client, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new NoLookupPlaceException();
        }

        Task<IPAddress[]> lookup;
        try
        {
            // DnsClient's queries end when cancelled (their sockets closed); getaddrinfo ends only by itself.
            lookup = servers is not null ? QueryAsync(servers, host, cancel) : SystemLookupAsync(host);
        }
        catch
        {
            Lookups.Release(client);
            throw;
        }

        _ = lookup.ContinueWith(
            static (ended, state) =>
            {
                var (places, source) = ((SharedPlaces, IPAddress))state!;
                places.Release(source);

                // Observed, so an abandoned lookup's failure is not reported as unobserved.
                _ = ended.Exception;
            },
            (Lookups, client),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return await lookup.WaitAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>The system resolver's lookup, which no token can stop once started.</summary>
    private static async Task<IPAddress[]> SystemLookupAsync(string host)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(host).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }
    }

    /// <summary>An <c>address</c> or <c>address:port</c> server entry; a bad one stops the node at start with its text.</summary>
    public static IPEndPoint ParseServer(string text)
    {
        if (!IPEndPoint.TryParse(text?.Trim() ?? string.Empty, out var endpoint))
        {
            throw new FormatException($"{ResolverOptions.Section}:Servers: '{text}' is not address or address:port (IPv6 as [::1]:53)");
        }

        return endpoint.Port == 0 ? new IPEndPoint(endpoint.Address, DnsPort) : endpoint;
    }

    private static async Task<IPAddress[]> QueryAsync(LookupClient servers, string host, CancellationToken cancel)
    {
        try
        {
            var v4 = servers.QueryAsync(host, QueryType.A, QueryClass.IN, cancel);
            var v6 = servers.QueryAsync(host, QueryType.AAAA, QueryClass.IN, cancel);
            var answers = await Task.WhenAll(v4, v6).ConfigureAwait(false);
            if (answers.All(a => a.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain))
            {
                throw new SocketException((int)SocketError.HostNotFound);
            }

            if (answers.All(a => a.HasError))
            {
                throw new SocketException((int)SocketError.TryAgain);
            }

            return
            [
                .. answers[0].Answers.ARecords().Select(r => r.Address),
                .. answers[1].Answers.AaaaRecords().Select(r => r.Address.Unmapped()),
            ];
        }
        catch (DnsResponseException e)
        {
            throw new SocketException((int)(e.Code == DnsResponseCode.ConnectionTimeout ? SocketError.TimedOut : SocketError.TryAgain));
        }
        catch (ArgumentException)
        {
            // DnsClient refuses names that are not valid DNS names (too long, empty labels).
            throw new SocketException((int)SocketError.HostNotFound);
        }
    }
}
