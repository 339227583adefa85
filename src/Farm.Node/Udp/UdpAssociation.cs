using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Farm.Node.Dialing;
using Farm.Node.Relaying;
using Farm.Node.Telemetry;
using Farm.Shared.Net;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Udp;

/// <summary>
/// One UDP ASSOCIATE (RFC 1928 §7): a relay socket on the node's address that the client reached.
/// Datagrams from the client (its address, and its port once known) are unwrapped, checked
/// against the policy and sent on; datagrams back are accepted only from destinations the client
/// has sent to, and wrapped with their source. It ends when the control connection closes, on
/// the idle timeout, or when killed. Under a bandwidth limit, datagrams over the rate in either
/// direction are dropped, not queued: a flood costs the node no memory.
/// </summary>
public sealed class UdpAssociation : IDisposable
{
    private const int MaxDatagram = 65_535;
    private const int MaxRemotes = 1024;
    private const int MaxResolved = 64;

    private readonly Socket _socket;
    private readonly IPAddress _clientAddress;
    private readonly CompiledPolicy _policy;
    private readonly PolicyRequest _request;
    private readonly NameResolver _resolver;
    private readonly HashSet<IPEndPoint> _remotes = [];
    private readonly Dictionary<string, IPAddress?> _resolved = new(StringComparer.OrdinalIgnoreCase);
    private IPEndPoint? _client;
    private TokenBucket? _upBucket;
    private TokenBucket? _downBucket;
    private RelayCounters? _activity;
    private TimeProvider _time = TimeProvider.System;

    private UdpAssociation(Socket socket, IPAddress clientAddress, IPEndPoint? declaredClient, CompiledPolicy policy, PolicyRequest request, NodeMetrics metrics, NameResolver resolver)
    {
        _resolver = resolver;
        Counters = new UdpCounters(metrics);
        _socket = socket;
        _clientAddress = clientAddress;
        _client = declaredClient;
        _policy = policy;
        _request = request;
    }

    public UdpCounters Counters { get; }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>
    /// Binds the relay socket. The client's declared source is used only when it names a real port on the
    /// control connection's own address: datagrams are decided as that client's, so another host must never
    /// be able to have itself declared (a NATed client's private address falls back to learning the port).
    /// </summary>
    public static UdpAssociation Open(IPAddress bindAddress, UdpPortRange ports, IPAddress clientAddress, SocksDestination declared, CompiledPolicy policy, PolicyRequest request, NodeMetrics metrics, NameResolver resolver)
    {
        var socket = BindInRange(bindAddress, ports);
        var declaredClient = declared.Address is { } address && declared.Port != 0 && address.Unmapped().Equals(clientAddress.Unmapped())
            ? new IPEndPoint(address.Unmapped(), declared.Port)
            : null;
        return new UdpAssociation(socket, clientAddress, declaredClient, policy, request, metrics, resolver);
    }

    /// <summary>
    /// Relays until the control connection closes, the idle deadline passes, or <paramref name="kill"/>.
    /// Each datagram from the client or a remote it sent to stamps <paramref name="activity"/>, so that an
    /// association silent either way for <c>Farm:Socks:EvictIdleAfter</c> is as evictable as an idle relay.
    /// </summary>
    public async Task<RelayOutcome> RunAsync(Socket control, RelaySettings settings, RelayCounters activity, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _activity = activity;
        _time = settings.Time;
        if (settings.BytesPerSecond is { } rate)
        {
            _upBucket = new TokenBucket(rate, settings.Time);
            _downBucket = new TokenBucket(rate, settings.Time);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(kill);
        using var deadline = new ActivityDeadline(settings.IdleTimeout, settings.Time, static state => CancelQuietly((CancellationTokenSource)state!), stop);
        var controlClosed = WatchControlAsync(control, stop);
        try
        {
            await RelayLoopAsync(deadline, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        stop.Cancel();
        var closedByClient = await controlClosed.ConfigureAwait(false);
        return kill.IsCancellationRequested ? RelayOutcome.Killed
            : deadline.Expired ? RelayOutcome.IdleTimeout
            : closedByClient ? RelayOutcome.Completed
            : RelayOutcome.ClientError;
    }

    public void Dispose() => _socket.Dispose();

    private static void CancelQuietly(CancellationTokenSource stop)
    {
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The association ended while the deadline fired.
        }
    }

    private static async Task<bool> WatchControlAsync(Socket control, CancellationTokenSource stop)
    {
        var probe = new byte[1];
        try
        {
            // The control connection carries nothing after the reply; its end (or any byte) ends the association.
            var read = await control.ReceiveAsync(probe, SocketFlags.None, stop.Token).ConfigureAwait(false);
            stop.Cancel();
            return read == 0;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
        catch (SocketException)
        {
            stop.Cancel();
            return false;
        }
    }

    private async Task RelayLoopAsync(ActivityDeadline deadline, CancellationToken cancel)
    {
        var any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (true)
        {
            // Wait without holding memory: a peek of zero bytes does not consume the datagram.
            await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, cancel).ConfigureAwait(false);
            var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagram);
            try
            {
                var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancel).ConfigureAwait(false);
                await HandleAsync(buffer.AsMemory(0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint, deadline, cancel).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // An ICMP error from an earlier send surfaces here on Linux; the association goes on.
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private async Task HandleAsync(Memory<byte> datagram, IPEndPoint from, ActivityDeadline deadline, CancellationToken cancel)
    {
        var source = new IPEndPoint(from.Address.Unmapped(), from.Port);
        if (IsClient(source))
        {
            // A stranger's datagram keeps nothing alive, neither the idle deadline nor the activity
            // figures: only the client's and its remotes' count (outsider review att16c).
            deadline.Touch();
            _activity?.Touched(_time.GetTimestamp());
            await FromClientAsync(datagram, source, cancel).ConfigureAwait(false);
        }
        else if (_remotes.Contains(source) && _client is { } client)
        {
            deadline.Touch();
            _activity?.Touched(_time.GetTimestamp());
            await ToClientAsync(datagram, source, client, cancel).ConfigureAwait(false);
        }
        else
        {
            Counters.Drop(UdpDropReason.ForeignSource);
        }
    }

    private bool IsClient(IPEndPoint source)
    {
        if (_client is { } known)
        {
            return known.Equals(source);
        }

        // The client's port is learnt from its first datagram; only its address is known before.
        if (!source.Address.Equals(_clientAddress))
        {
            return false;
        }

        _client = source;
        return true;
    }

    private async Task FromClientAsync(Memory<byte> datagram, IPEndPoint client, CancellationToken cancel)
    {
        if (Socks5UdpHeaderParser.TryParse(datagram.Span, out var header, out var headerLength, out _) != ParseStatus.Complete)
        {
            Counters.Drop(UdpDropReason.Malformed);
            return;
        }

        if (header.Fragment != 0)
        {
            Counters.Drop(UdpDropReason.Fragment);
            return;
        }

        var target = header.Destination;
        var request = _request with { Host = target.Host, Address = target.Address is { } a ? a.Unmapped() : null, Port = target.Port };
        var verdict = DecisionProcedure.OnDestination(_policy, request);
        if (verdict.Step == RequestStep.Resolve)
        {
            if (await ResolveAsync(target.Host!, cancel).ConfigureAwait(false) is not { } resolved)
            {
                Counters.Drop(UdpDropReason.Unresolved);
                return;
            }

            verdict = DecisionProcedure.OnResolved(_policy, request, [resolved]);
        }

        if (verdict.Step != RequestStep.Proceed)
        {
            Counters.Drop(UdpDropReason.Policy);
            return;
        }

        var address = verdict.Addresses[0].Address;
        if (address.AddressFamily != _socket.AddressFamily)
        {
            Counters.Drop(UdpDropReason.SendFailed);
            return;
        }

        // Before the remote is admitted: a datagram dropped here opens no way back.
        var payload = datagram[headerLength..];
        if (_upBucket?.TryTake(payload.Length) == false)
        {
            Counters.Drop(UdpDropReason.Bandwidth);
            return;
        }

        var remote = new IPEndPoint(address, target.Port);
        if (_remotes.Count < MaxRemotes)
        {
            _remotes.Add(remote);
        }

        await _socket.SendToAsync(payload, SocketFlags.None, remote, cancel).ConfigureAwait(false);
        Counters.Up(payload.Length);
    }

    private async Task ToClientAsync(Memory<byte> datagram, IPEndPoint source, IPEndPoint client, CancellationToken cancel)
    {
        if (_downBucket?.TryTake(datagram.Length) == false)
        {
            Counters.Drop(UdpDropReason.Bandwidth);
            return;
        }

        var wrapped = ArrayPool<byte>.Shared.Rent(Socks5Writer.MaxUdpHeaderLength + datagram.Length);
        try
        {
            var headerLength = Socks5Writer.WriteUdpHeader(wrapped, source);
            datagram.Span.CopyTo(wrapped.AsSpan(headerLength));
            await _socket.SendToAsync(wrapped.AsMemory(0, headerLength + datagram.Length), SocketFlags.None, client, cancel).ConfigureAwait(false);
            Counters.Down(datagram.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(wrapped);
        }
    }

    private async Task<IPAddress?> ResolveAsync(string host, CancellationToken cancel)
    {
        if (_resolved.TryGetValue(host, out var cached))
        {
            return cached;
        }

        IPAddress? address;
        try
        {
            var addresses = await _resolver.ResolveAsync(host, _clientAddress, cancel).ConfigureAwait(false);
            address = addresses.Select(IPAddressExtensions.Unmapped).FirstOrDefault(a => a.AddressFamily == _socket.AddressFamily);
        }
        catch (NoLookupPlaceException)
        {
            // The node's lookups were busy: not an answer about the name, so not remembered.
            return null;
        }
        catch (SocketException)
        {
            address = null;
        }

        if (_resolved.Count >= MaxResolved)
        {
            _resolved.Clear();
        }

        _resolved[host] = address;
        return address;
    }

    private static Socket BindInRange(IPAddress address, UdpPortRange ports)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (ports == UdpPortRange.Any)
        {
            socket.Bind(new IPEndPoint(address, 0));
            return socket;
        }

        var span = ports.Last - ports.First + 1;
        var start = Random.Shared.Next(span);
        for (var i = 0; i < span; i++)
        {
            try
            {
                socket.Bind(new IPEndPoint(address, ports.First + ((start + i) % span)));
                return socket;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
            }
        }

        socket.Dispose();
        throw new SocketException((int)SocketError.AddressAlreadyInUse);
    }

}
