using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Farm.Lighthouse.Tests.Dns;

/// <summary>Garbage on the responder's sockets gets FORMERR or nothing, and the responder keeps answering.</summary>
public sealed class MalformedQueryTests : IAsyncLifetime
{
    private const byte FormatError = 1;

    private RunningDns _dns = null!;

    public async Task InitializeAsync()
    {
        _dns = await RunningDns.StartAsync();
        _dns.Directory.Update(Farms.ThreeNodes());
    }

    public async Task DisposeAsync() => await _dns.DisposeAsync();

    public static TheoryData<string, byte[]> Crafted => new()
    {
        { "empty datagram", [] },
        { "one byte", [0x12] },
        { "truncated header", [0x12, 0x34, 0x01, 0x00, 0x00] },
        { "header short by one", [.. Header(0x1201, questions: 1)[..11]] },
        { "no question", Header(0x1202, questions: 0) },
        { "two questions", [.. Header(0x1203, questions: 2), .. Question("socks.farm.test"), .. Question("socks.farm.test")] },
        { "question promised, none sent", Header(0x1204, questions: 1) },
        { "question cut in its name", [.. Header(0x1205, questions: 1), 0x05, (byte)'s', (byte)'o'] },
        { "question without type", [.. Header(0x1206, questions: 1), .. Name("socks.farm.test")] },
        { "label of 64 octets", [.. Header(0x1207, questions: 1), 0x40, .. Enumerable.Repeat((byte)'a', 64), 0x00, 0x00, 0x01, 0x00, 0x01] },
        { "label length past the end", [.. Header(0x1208, questions: 1), 0x3f, (byte)'a', (byte)'b'] },
        { "name over 255 octets", [.. Header(0x1209, questions: 1), .. HugeName(), 0x00, 0x01, 0x00, 0x01] },
        { "compression pointer to itself", [.. Header(0x120a, questions: 1), 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01] },
        { "compression pointer past the end", [.. Header(0x120b, questions: 1), 0xc0, 0xff, 0x00, 0x01, 0x00, 0x01] },
        { "response instead of query", [.. Header(0x120c, questions: 1, flags: 0x8400), .. Question("socks.farm.test")] },
        { "counts of 65535", [.. Header(0x120d, questions: 0xffff, answers: 0xffff), .. Question("socks.farm.test")] },
        { "4 KB datagram", [.. Header(0x120e, questions: 1), .. Question("socks.farm.test"), .. new byte[4096]] },
    };

    private static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(500);

    [Theory]
    [MemberData(nameof(Crafted))]
    public async Task CraftedDatagram_FormatErrorOrNothing_ThenStillAnswers(string kind, byte[] datagram)
    {
        var answered = kind is "no question" or "two questions" or "response instead of query";

        // Where an answer is owed, wait for it as long as a loaded CI machine may need.
        var replies = await SendUdpAsync([datagram], answered ? TimeSpan.FromSeconds(5) : QuietWindow);

        Assert.All(replies, reply => AssertFormatError(reply, kind));
        if (answered)
        {
            Assert.Single(replies);
        }

        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task RandomDatagrams_FormatErrorOrNothing_ThenStillAnswers()
    {
        var random = new Random(7);
        var datagrams = Enumerable.Range(0, 300).Select(_ =>
        {
            var datagram = new byte[random.Next(0, 600)];
            random.NextBytes(datagram);
            return datagram;
        }).ToList();

        var replies = await SendUdpAsync(datagrams);

        Assert.All(replies, reply => AssertFormatError(reply, "random bytes"));
        Assert.True(_dns.Counters.Failed > 0);
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task RandomQuestions_AnsweredOrDropped_ThenStillAnswers()
    {
        var random = new Random(11);
        var datagrams = Enumerable.Range(0, 300).Select(_ =>
        {
            var body = new byte[random.Next(0, 80)];
            random.NextBytes(body);
            return (byte[])[.. Header((ushort)random.Next(), questions: 1), .. body];
        }).ToList();

        var replies = await SendUdpAsync(datagrams);

        Assert.All(replies, reply => Assert.True(reply.Length >= 12 && (reply[2] & 0x80) != 0, "a reply is a DNS response"));
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task TcpGarbage_ConnectionsDroppedOrFormatError_ThenStillAnswers()
    {
        byte[] noQuestion = Header(0x2201, questions: 0);
        byte[][] streams =
        [
            [],
            [0xff, 0xff, 0x01, 0x02, 0x03],
            [0x00, 0x00],
            [0x00, 0x05, 0x12, 0x34, 0x00],
            [.. Enumerable.Range(0, 200).Select(i => (byte)(i * 37))],
        ];

        foreach (var stream in streams)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(_dns.Endpoint);
            await client.GetStream().WriteAsync(stream);
            client.Client.Shutdown(SocketShutdown.Send);
        }

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(_dns.Endpoint);
            var network = client.GetStream();
            var length = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)noQuestion.Length);
            await network.WriteAsync(length);
            await network.WriteAsync(noQuestion);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await network.ReadExactlyAsync(length, timeout.Token);
            var reply = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
            await network.ReadExactlyAsync(reply, timeout.Token);
            AssertFormatError(reply, "no question over TCP");
        }

        await AssertStillAnswersAsync();
    }

    private async Task<List<byte[]>> SendUdpAsync(IReadOnlyList<byte[]> datagrams, TimeSpan? firstReply = null)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        udp.Connect(_dns.Endpoint);
        foreach (var datagram in datagrams)
        {
            await udp.SendAsync(datagram);
        }

        var replies = new List<byte[]>();
        while (true)
        {
            using var quiet = new CancellationTokenSource(replies.Count == 0 ? firstReply ?? QuietWindow : QuietWindow);
            try
            {
                replies.Add((await udp.ReceiveAsync(quiet.Token)).Buffer);
            }
            catch (OperationCanceledException)
            {
                return replies;
            }
        }
    }

    private async Task AssertStillAnswersAsync()
    {
        Assert.Equal(3, (await Dig.ShortAsync(_dns.Endpoint, "socks.farm.test", "A")).Count);
        Assert.Equal(3, (await Dig.ShortAsync(_dns.Endpoint, "socks.farm.test", "A", tcp: true)).Count);
    }

    private static void AssertFormatError(byte[] reply, string kind)
    {
        Assert.True(reply.Length >= 12, $"{kind}: reply shorter than a header");
        Assert.True((reply[2] & 0x80) != 0, $"{kind}: reply is not a response");
        Assert.Equal(FormatError, reply[3] & 0x0f);
    }

    private static byte[] Header(ushort id, ushort questions, ushort answers = 0, ushort flags = 0x0100)
    {
        var header = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(header, id);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), flags);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), questions);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), answers);
        return header;
    }

    private static byte[] Question(string name) => [.. Name(name), 0x00, 0x01, 0x00, 0x01];

    private static byte[] Name(string name) =>
        [.. name.Split('.').SelectMany(label => (byte[])[(byte)label.Length, .. Encoding.ASCII.GetBytes(label)]), 0x00];

    // Five labels of 63 octets end in the farm domain, so only the 255-octet limit makes it wrong.
    private static byte[] HugeName() => Name(string.Join('.', Enumerable.Repeat(new string('a', 63), 5)) + ".farm.test");
}
