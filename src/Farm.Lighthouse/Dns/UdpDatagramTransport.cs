using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;

namespace Farm.Lighthouse.Dns;

/// <summary>
/// UDP for the ARSoft server that hands each datagram over at its received length. ARSoft 3.6.1's own
/// UDP transport parses its whole zero-filled 512-byte buffer, so a truncated query reads on into
/// zeros and gets answered as if it were whole (MalformedQueryTests caught it); here it fails to parse
/// and is dropped, as is a datagram too large for the buffer. Rate limiting is decided here, before
/// a datagram is parsed, so a flood over the limit costs a lookup and no answer.
/// </summary>
internal sealed class UdpDatagramTransport(IPEndPoint endpoint, int timeoutMs, DnsQueryCounters counters, ResponseRateLimiter limiter) : IServerTransport
{
    // Far more than a header, one question and an OPT record need.
    private const int MaxQuery = 4096;

    private readonly Socket _socket = new(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);

    public ushort DefaultAllowedResponseSize => 512;

    public bool SupportsMultipleResponses => false;

    public bool AllowTruncatedResponses => true;

    public TransportProtocol TransportProtocol => TransportProtocol.Udp;

    public void Bind()
    {
        if (endpoint.Address.Equals(IPAddress.IPv6Any))
        {
            _socket.DualMode = true;
        }

        _socket.Bind(endpoint);
    }

    public void Close() => _socket.Close();

    public void Dispose() => _socket.Dispose();

    public async Task<IServerConnection?> AcceptConnectionAsync(CancellationToken token = default)
    {
        var buffer = new byte[DnsRawPackage.LENGTH_HEADER_LENGTH + MaxQuery];
        SocketReceiveMessageFromResult received;
        try
        {
            received = await _socket.ReceiveMessageFromAsync(
                buffer.AsMemory(DnsRawPackage.LENGTH_HEADER_LENGTH),
                SocketFlags.None,
                new IPEndPoint(endpoint.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0),
                token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The server's loop asks again until it is stopped; one failed receive must not end it.
            return null;
        }

        if ((received.SocketFlags & SocketFlags.Truncated) != 0)
        {
            counters.RecordFailure();
            return null;
        }

        var remote = (IPEndPoint)received.RemoteEndPoint;
        var decision = limiter.Decide(remote.Address);
        if (decision != RateDecision.Answer)
        {
            counters.RecordLimited(decision);
            if (decision == RateDecision.Slip)
            {
                await SlipAsync(buffer.AsMemory(DnsRawPackage.LENGTH_HEADER_LENGTH, received.ReceivedBytes), remote, token);
            }

            return null;
        }

        var datagram = buffer[..(DnsRawPackage.LENGTH_HEADER_LENGTH + received.ReceivedBytes)];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, (ushort)received.ReceivedBytes);
        try
        {
            var local = new IPEndPoint(received.PacketInformation.Address, endpoint.Port);
            return new Datagram(this, new DnsReceivedRawPackage(datagram, remote, local), _socket, timeoutMs);
        }
        catch (Exception)
        {
            // The package parses the header and question as it is built, and untrusted bytes can fail that in any way.
            counters.RecordFailure();
            return null;
        }
    }

    private async Task SlipAsync(ReadOnlyMemory<byte> query, IPEndPoint remote, CancellationToken token)
    {
        var reply = new byte[SlipReply.MaxLength];
        if (!SlipReply.TryWrite(query.Span, reply, out var length))
        {
            return;
        }

        try
        {
            await _socket.SendToAsync(reply.AsMemory(0, length), SocketFlags.None, remote, token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // A reply that cannot be sent is one the limiter would have been content to drop.
        }
    }

    private sealed class Datagram(IServerTransport transport, DnsReceivedRawPackage package, Socket socket, int timeoutMs) : IServerConnection
    {
        public IServerTransport Transport => transport;

        public IPEndPoint RemoteEndPoint => package.RemoteEndpoint;

        public IPEndPoint LocalEndPoint => package.LocalEndpoint;

        public bool CanRead { get; private set; } = true;

        public Task<bool> InitializeAsync(CancellationToken token = default) => Task.FromResult(true);

        public Task<DnsReceivedRawPackage?> ReceiveAsync(CancellationToken token = default)
        {
            CanRead = false;
            return Task.FromResult<DnsReceivedRawPackage?>(package);
        }

        public async Task<bool> SendAsync(DnsRawPackage response, CancellationToken token = default)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(timeoutMs);
            try
            {
                return await socket.SendToAsync(response.ToArraySegment(false), SocketFlags.None, package.RemoteEndpoint, timeout.Token) == response.Length;
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return false;
            }
        }

        public void Dispose()
        {
        }
    }
}
