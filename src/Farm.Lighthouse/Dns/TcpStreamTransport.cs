using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;

namespace Farm.Lighthouse.Dns;

/// <summary>
/// DNS over TCP for the ARSoft server, within the caps of <see cref="DnsTcpOptions"/>. ARSoft 3.6.1's own
/// TCP transport takes every connection and waits two minutes per read (or its keep-alive between
/// queries, restarted by each byte), so idle or trickling connections from one client could hold every
/// descriptor the lighthouse has and stop DNS for all. Here a connection over a cap is closed as it is
/// accepted and counted; an admitted one must send each whole query within the idle timeout.
/// The connection closes itself when it ends: ARSoft 3.6.1 never disposes a connection whose receive
/// returned null (its reference count keeps the receive loop's share), which would leave the socket to the finalizer.
/// </summary>
internal sealed class TcpStreamTransport(IPEndPoint endpoint, DnsTcpOptions options, int sendTimeoutMs, TcpConnectionGate gate, DnsQueryCounters counters) : IServerTransport
{
    // A query is a header, one question and perhaps an OPT record; far larger is not a query.
    private const int MaxQuery = 4096;

    // Refused connections are closed at once, so a full queue means a flood the caps already handle.
    private const int Backlog = 512;

    // Accept fails while the process is out of descriptors; a pause keeps the loop from spinning on it.
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly Socket _listener = new(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

    public ushort DefaultAllowedResponseSize => ushort.MaxValue;

    // One response per query, so that each query is settled by exactly one send.
    public bool SupportsMultipleResponses => false;

    public bool AllowTruncatedResponses => false;

    public TransportProtocol TransportProtocol => TransportProtocol.Tcp;

    public void Bind()
    {
        if (endpoint.Address.Equals(IPAddress.IPv6Any))
        {
            _listener.DualMode = true;
        }

        _listener.Bind(endpoint);
        _listener.Listen(Backlog);
    }

    public void Close() => _listener.Close();

    public void Dispose() => _listener.Dispose();

    public async Task<IServerConnection?> AcceptConnectionAsync(CancellationToken token = default)
    {
        Socket client;
        try
        {
            client = await _listener.AcceptAsync(token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
        {
            return null;
        }
        catch (SocketException)
        {
            await PauseAsync(token);
            return null;
        }

        TcpConnectionGate.Lease? lease = null;
        try
        {
            var remote = (IPEndPoint)client.RemoteEndPoint!;
            lease = gate.TryEnter(remote.Address, out var admission);
            if (lease is null)
            {
                counters.RecordTcpRefused(admission);
                Abort(client);
                return null;
            }

            return new Connection(this, client, remote, (IPEndPoint)client.LocalEndPoint!, lease, options, TimeSpan.FromMilliseconds(sendTimeoutMs), counters);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // The client went away between accept and here.
            lease?.Dispose();
            Abort(client);
            return null;
        }
    }

    private static async Task PauseAsync(CancellationToken token)
    {
        try
        {
            await Task.Delay(AcceptRetryDelay, token);
        }
        catch (OperationCanceledException)
        {
            // The server is stopping; its loop ends on the same token.
        }
    }

    /// <summary>Closed with a reset: the lighthouse keeps no TIME_WAIT state for a connection it refused.</summary>
    private static void Abort(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already reset by the client: closing is all that is left.
        }

        socket.Dispose();
    }

    private sealed class Connection(
        IServerTransport transport,
        Socket socket,
        IPEndPoint remote,
        IPEndPoint local,
        TcpConnectionGate.Lease lease,
        DnsTcpOptions options,
        TimeSpan sendTimeout,
        DnsQueryCounters counters) : IServerConnection
    {
        private readonly byte[] _length = new byte[DnsRawPackage.LENGTH_HEADER_LENGTH];
        private int _queries;

        /// <summary>Queries handed to the server whose answer is not sent yet: the connection closes when they are.</summary>
        private int _unanswered;
        private int _ending;

        public IServerTransport Transport => transport;

        public IPEndPoint RemoteEndPoint => remote;

        public IPEndPoint LocalEndPoint => local;

        public bool CanRead { get; private set; } = true;

        public Task<bool> InitializeAsync(CancellationToken token = default) => Task.FromResult(true);

        public async Task<DnsReceivedRawPackage?> ReceiveAsync(CancellationToken token = default)
        {
            if (_queries >= options.MaxQueriesPerConnection)
            {
                return Closed();
            }

            // One deadline for the whole query, so a client trickling bytes gains no time by it.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
            deadline.CancelAfter(options.IdleTimeout);
            try
            {
                if (!await ReadExactlyAsync(_length, deadline.Token))
                {
                    return Closed();
                }

                var length = BinaryPrimitives.ReadUInt16BigEndian(_length);
                if (length is 0 or > MaxQuery)
                {
                    counters.RecordFailure();
                    return Closed();
                }

                var message = new byte[DnsRawPackage.LENGTH_HEADER_LENGTH + length];
                _length.CopyTo(message, 0);
                if (!await ReadExactlyAsync(message.AsMemory(DnsRawPackage.LENGTH_HEADER_LENGTH), deadline.Token))
                {
                    return Closed();
                }

                var package = new DnsReceivedRawPackage(message, remote, local);
                _queries++;
                Interlocked.Increment(ref _unanswered);
                return package;
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return Closed();
            }
            catch (Exception)
            {
                // The package parses the header and question as it is built, and untrusted bytes can fail that in any way.
                counters.RecordFailure();
                return Closed();
            }
        }

        public async Task<bool> SendAsync(DnsRawPackage response, CancellationToken token = default)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(sendTimeout);
            var bytes = response.ToArraySegment(true).AsMemory();
            try
            {
                while (bytes.Length > 0)
                {
                    bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None, timeout.Token)..];
                }

                return true;
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                CanRead = false;
                return false;
            }
            finally
            {
                if (Interlocked.Decrement(ref _unanswered) <= 0 && Volatile.Read(ref _ending) == 1)
                {
                    Dispose();
                }
            }
        }

        public void Dispose()
        {
            CanRead = false;
            socket.Dispose();
            lease.Dispose();
        }

        /// <summary>
        /// No more queries are read: the connection closes once the queries it handed over are answered,
        /// or after the send timeout when one of them never is (the server sends nothing for a query it cannot parse).
        /// </summary>
        private DnsReceivedRawPackage? Closed()
        {
            CanRead = false;
            Volatile.Write(ref _ending, 1);
            if (Volatile.Read(ref _unanswered) <= 0)
            {
                Dispose();
            }
            else
            {
                _ = DisposeAfterAsync(sendTimeout);
            }

            return null;
        }

        private async Task DisposeAfterAsync(TimeSpan delay)
        {
            await Task.Delay(delay);
            Dispose();
        }

        private async Task<bool> ReadExactlyAsync(Memory<byte> buffer, CancellationToken token)
        {
            while (buffer.Length > 0)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, token);
                if (read == 0)
                {
                    return false;
                }

                buffer = buffer[read..];
            }

            return true;
        }
    }
}
