using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Farm.Node.Tests.Support;

/// <summary>
/// A tiny authoritative DNS server over UDP on loopback that counts the queries for each name: every A
/// query is answered with <see cref="Answer"/>, every other type with no records. Tests point the node's
/// <c>Farm:Resolver:Servers</c> at it to see which names the node asked about.
/// </summary>
public sealed class CountingDnsServer : IAsyncDisposable
{
    private const ushort TypeA = 1;

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly ConcurrentDictionary<string, int> _queries = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, IReadOnlyList<IPAddress>?> _answersFor;
    private readonly Task _loop;

    public CountingDnsServer(IPAddress answer)
        : this([answer])
    {
    }

    /// <summary>Every A query answered with all of <paramref name="answers"/>.</summary>
    public CountingDnsServer(IReadOnlyList<IPAddress> answers)
        : this(answers, _ => answers)
    {
    }

    /// <summary>
    /// Every query for a name answered with the addresses <paramref name="answersFor"/> gives it; counted and
    /// never answered when it gives null (a server that lost the packet or its upstream).
    /// </summary>
    /// <param name="at">Where it listens: a free port on 127.0.0.1 unless given (a system resolver asks port 53 only).</param>
    public CountingDnsServer(IReadOnlyList<IPAddress> answers, Func<string, IReadOnlyList<IPAddress>?> answersFor, IPEndPoint? at = null)
    {
        Answers = answers;
        _answersFor = answersFor;
        _socket.Bind(at ?? new IPEndPoint(IPAddress.Loopback, 0));
        _loop = ServeAsync();
    }

    public IPAddress Answer => Answers[0];

    public IReadOnlyList<IPAddress> Answers { get; }

    public IPEndPoint Endpoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>The TTL of every answer, in seconds; 0 (the default) asks resolvers not to cache.</summary>
    public uint TimeToLive { get; init; }

    /// <summary>Queries received for this name (any type), without a trailing dot.</summary>
    public int QueriesFor(string name) => _queries.GetValueOrDefault(name.TrimEnd('.'));

    public int TotalQueries => _queries.Values.Sum();

    /// <summary>The distinct names asked about so far.</summary>
    public int Names => _queries.Count;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }

    /// <summary>The reply to one query (same id and question), or null for bytes that are not a one-question query. Pure.</summary>
    public static byte[]? Reply(ReadOnlySpan<byte> query, IPAddress answer, out string name) => Reply(query, [answer], out name);

    /// <summary>The reply to one query with every address of <paramref name="addresses"/> for an A question. Pure.</summary>
    public static byte[]? Reply(ReadOnlySpan<byte> query, IReadOnlyList<IPAddress> addresses, out string name, uint timeToLive = 0)
    {
        name = string.Empty;
        if (query.Length < 12 || (query[2] & 0x80) != 0 || query[4] != 0 || query[5] != 1)
        {
            return null;
        }

        var labels = new StringBuilder();
        var at = 12;
        while (at < query.Length && query[at] != 0)
        {
            var length = query[at];
            if (length > 63 || at + 1 + length >= query.Length)
            {
                return null;
            }

            labels.Append(labels.Length > 0 ? "." : string.Empty).Append(Encoding.ASCII.GetString(query.Slice(at + 1, length)));
            at += 1 + length;
        }

        if (at + 5 > query.Length)
        {
            return null;
        }

        name = labels.ToString();
        var questionEnd = at + 5;
        var type = (ushort)((query[at + 1] << 8) | query[at + 2]);
        var answers = type == TypeA ? addresses.Count : 0;
        var reply = new List<byte>(questionEnd + 16);
        reply.AddRange(query[..2].ToArray());
        reply.AddRange([0x84, 0x00, 0x00, 0x01, 0x00, (byte)answers, 0x00, 0x00, 0x00, 0x00]); // QR+AA, NOERROR; counts
        reply.AddRange(query[12..questionEnd].ToArray());
        for (var i = 0; i < answers; i++)
        {
            // Name by pointer to the question, A, IN, the TTL, 4 bytes of address.
            reply.AddRange([0xC0, 0x0C, 0x00, 0x01, 0x00, 0x01, (byte)(timeToLive >> 24), (byte)(timeToLive >> 16), (byte)(timeToLive >> 8), (byte)timeToLive, 0x00, 0x04]);
            reply.AddRange(addresses[i].GetAddressBytes());
        }

        return [.. reply];
    }

    private async Task ServeAsync()
    {
        var buffer = new byte[512];
        var anySource = new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            try
            {
                var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, anySource, _stop.Token);
                var query = buffer.AsMemory(0, received.ReceivedBytes);
                if (Reply(query.Span, [], out var name) is not null)
                {
                    _queries.AddOrUpdate(name, 1, (_, count) => count + 1);
                    if (_answersFor(name) is { } answers && Reply(query.Span, answers, out _, TimeToLive) is { } reply)
                    {
                        await _socket.SendToAsync(reply, SocketFlags.None, received.RemoteEndPoint, _stop.Token);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }
}
