using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Farm.Node.Options;
using Farm.Shared.Net;

namespace Farm.Node.Dialing;

/// <summary>
/// Resolves destination names for the node: with the system resolver, or with the DNS servers of
/// <c>Farm:Resolver:Servers</c> when set (A and AAAA, asked together). A name that is an IP literal
/// ("0.0.0.0", "::", "127.1") is that address and is never sent to DNS: the runtime's resolver throws
/// ArgumentException for some (found by an outsider's attack: "0.0.0.0" reset the session with a stack
/// trace in the log).
/// </summary>
public sealed class NameResolver
{
    private const int DnsPort = 53;

    private readonly LookupClient? _servers;

    public NameResolver(ResolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Servers.Count == 0)
        {
            return;
        }

        var endpoints = options.Servers.Select(ParseServer).ToArray();
        _servers = new LookupClient(new LookupClientOptions(endpoints)
        {
            Timeout = options.QueryTimeout,
            Retries = 1,
            UseCache = true,
            ContinueOnDnsError = false,
            ThrowDnsErrors = false,
        });
    }

    /// <exception cref="SocketException">The name does not resolve (HostNotFound, NoData, TryAgain, ...).</exception>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        if (_servers is { } servers)
        {
            return await QueryAsync(servers, host, cancel).ConfigureAwait(false);
        }

        try
        {
            return await Dns.GetHostAddressesAsync(host, cancel).ConfigureAwait(false);
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
