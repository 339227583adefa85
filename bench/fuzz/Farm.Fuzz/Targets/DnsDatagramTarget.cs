using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Net;
using ARSoft.Tools.Net.Dns;
using Farm.Lighthouse.Dns;

namespace Farm.Fuzz.Targets;

/// <summary>
/// A UDP datagram at the lighthouse, without sockets: the truncated reply a rate-limited query may get
/// (<see cref="SlipReply"/>), then the parse the UDP transport and the library do and the zone's answer.
/// The library throwing on a malformed datagram is its failure result (the transport and server catch it);
/// the zone throwing on a parsed query is a finding.
/// </summary>
internal static class DnsDatagramTarget
{
    // UdpDatagramTransport drops larger datagrams before anything parses them.
    private const int MaxQuery = 4096;

    private static readonly FarmZone Zone = new(new DnsOptions());

    private static readonly IPEndPoint Remote = new(IPAddress.Loopback, 40000);

    private static readonly IPEndPoint Local = new(IPAddress.Loopback, 5353);

    private static readonly ImmutableArray<NodeAdvert> Nodes =
    [
        new("node-1", [new IPEndPoint(IPAddress.Parse("127.0.0.11"), 1080)], new IPEndPoint(IPAddress.Parse("127.0.0.11"), 9464), NodeAdvert.SocksRole, Healthy: true),
        new("node-2", [new IPEndPoint(IPAddress.Parse("fd00::12"), 1080), new IPEndPoint(IPAddress.Parse("127.0.0.12"), 1080)], null, NodeAdvert.SocksRole, Healthy: true),
        new("node-3", [new IPEndPoint(IPAddress.Parse("127.0.0.13"), 1080)], null, NodeAdvert.SocksRole, Healthy: false),
        new("lighthouse-1", [], new IPEndPoint(IPAddress.Parse("127.0.0.10"), 9464), NodeAdvert.LighthouseRole, Healthy: true),
    ];

    public static void Run(byte[] input)
    {
        Slip(input);
        if (input.Length <= MaxQuery && Parse(input) is { } query)
        {
            Zone.Respond(query, Nodes);
        }
    }

    private static void Slip(byte[] input)
    {
        var reply = new byte[SlipReply.MaxLength];
        if (!SlipReply.TryWrite(input, reply, out var written))
        {
            return;
        }

        var header = reply.AsSpan(0, SlipReply.HeaderLength);
        if (written < SlipReply.HeaderLength + 5 || written > input.Length || written > SlipReply.MaxLength
            || (header[2] & 0x82) != 0x82 || BinaryPrimitives.ReadUInt16BigEndian(header[4..]) != 1 || header[6..].IndexOfAnyExcept((byte)0) >= 0
            || !reply.AsSpan(0, 2).SequenceEqual(input.AsSpan(0, 2)) || !reply.AsSpan(SlipReply.HeaderLength, written - SlipReply.HeaderLength).SequenceEqual(input.AsSpan(SlipReply.HeaderLength, written - SlipReply.HeaderLength)))
        {
            throw new FuzzFailure($"slip reply of {written} bytes to a {input.Length}-byte query breaks its contract");
        }
    }

    private static DnsMessage? Parse(byte[] input)
    {
        var datagram = new byte[DnsRawPackage.LENGTH_HEADER_LENGTH + input.Length];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, (ushort)input.Length);
        input.CopyTo(datagram, DnsRawPackage.LENGTH_HEADER_LENGTH);
        try
        {
            _ = new DnsReceivedRawPackage(datagram, Remote, Local);
            return DnsMessage.Parse(new ArraySegment<byte>(input));
        }
        catch (Exception)
        {
            return null;
        }
    }
}
