using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Farm.Lighthouse.Tests.Dns;

/// <summary>
/// Issue 16 item 10: per-source response-rate limiting of UDP answers, against a real responder,
/// a raw burst and Debian's dig from distinct loopback sources.
/// </summary>
public sealed class DnsRateLimitTests
{
    private const int BurstSize = 200;

    private static readonly IPAddress Flooder = IPAddress.Parse("127.0.0.2");

    // Another /24, so it stays apart however the prefix length is configured.
    private static readonly IPAddress Bystander = IPAddress.Parse("127.0.1.2");

    [Fact]
    public async Task Burst_FromOneSource_MostLimited_AnotherSourceStillAnswered()
    {
        // Below the defaults (100 a second after 200), so that a burst the kernel's socket buffer holds whole is mostly limited.
        await using var dns = await RunningDns.StartAsync(new Dictionary<string, string?>
        {
            ["Farm:Dns:RateLimit:ResponsesPerSecond"] = "20",
            ["Farm:Dns:RateLimit:Burst"] = "40",
        });
        dns.Directory.Update(Farms.ThreeNodes());

        var (answered, truncated, elapsed) = await FloodAsync(dns.Endpoint, Flooder, BurstSize);

        // A burst of 40, then 20 a second; a little slack for the time the burst took.
        var allowed = 40 + (int)Math.Ceiling(elapsed.TotalSeconds * 20);
        Assert.True(answered <= allowed, $"{answered} of {BurstSize} answered in {elapsed.TotalMilliseconds:F0} ms, at most {allowed} allowed");
        // Most get no answer: every other limited query gets an empty TC=1 reply no larger than itself (slip 2), the rest nothing.
        Assert.True(answered < BurstSize / 4, $"{answered} answered of {BurstSize}");
        Assert.True(truncated > 0, "no limited query got a truncated reply");
        Assert.Equal(BurstSize - answered - truncated, dns.Counters.Dropped);
        Assert.Equal(truncated, dns.Counters.Slipped);

        var other = await Dig.FromAsync(dns.Endpoint, Bystander, "socks.farm.test", "A");
        Assert.Contains("status: NOERROR", other, StringComparison.Ordinal);
        Assert.Contains("127.0.0.11", other, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LimitedSource_DigGetsTruncatedReply_AndIsAnsweredOverTcp()
    {
        await using var dns = await RunningDns.StartAsync(new Dictionary<string, string?>
        {
            ["Farm:Dns:RateLimit:ResponsesPerSecond"] = "0.1",
            ["Farm:Dns:RateLimit:Burst"] = "1",
            ["Farm:Dns:RateLimit:Slip"] = "1",
        });
        dns.Directory.Update(Farms.ThreeNodes());

        var first = await Dig.FromAsync(dns.Endpoint, Flooder, "socks.farm.test", "A", ignoreTruncation: true);
        var limited = await Dig.FromAsync(dns.Endpoint, Flooder, "socks.farm.test", "A", ignoreTruncation: true);
        var retried = await Dig.FromAsync(dns.Endpoint, Flooder, "socks.farm.test", "A");

        Assert.DoesNotContain(" tc", Flags(first), StringComparison.Ordinal);
        Assert.Contains("127.0.0.11", first, StringComparison.Ordinal);
        Assert.Contains(" tc", Flags(limited), StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.11", limited, StringComparison.Ordinal);

        // dig asks again over TCP on TC=1, which the limit does not touch: a real client is served.
        Assert.Contains("Truncated, retrying in TCP mode", retried, StringComparison.Ordinal);
        Assert.Contains("127.0.0.11", retried, StringComparison.Ordinal);
    }

    /// <summary>A query for the A records of <paramref name="name"/>, as RFC 1035 lays it out.</summary>
    internal static byte[] Query(ushort id, string name)
    {
        var question = name.Split('.').SelectMany(label => new[] { (byte)label.Length }.Concat(System.Text.Encoding.ASCII.GetBytes(label)));
        byte[] header = [(byte)(id >> 8), (byte)id, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        return [.. header, .. question, 0, 0, 1, 0, 1];
    }

    private static string Flags(string digOutput) =>
        digOutput.Split('\n').First(line => line.StartsWith(";; flags:", StringComparison.Ordinal));

    /// <summary>Sends <paramref name="count"/> queries from <paramref name="source"/> as fast as the socket takes them, then counts the replies.</summary>
    private static async Task<(int Answered, int Truncated, TimeSpan Elapsed)> FloodAsync(IPEndPoint server, IPAddress source, int count)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(source, 0));
        socket.ReceiveBufferSize = 1 << 20;
        var clock = Stopwatch.StartNew();
        for (var id = 0; id < count; id++)
        {
            await socket.SendToAsync(Query((ushort)id, "socks.farm.test"), SocketFlags.None, server);
        }

        var elapsed = clock.Elapsed;
        var (answered, truncated) = (0, 0);
        var buffer = new byte[1500];
        while (true)
        {
            // Replies come at once or not at all; a quiet half second means the rest were dropped.
            using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            int length;
            try
            {
                length = await socket.ReceiveAsync(buffer, SocketFlags.None, quiet.Token);
            }
            catch (OperationCanceledException)
            {
                return (answered, truncated, elapsed);
            }

            var truncatedReply = length >= 12 && (buffer[2] & 0x02) != 0;
            var withAnswers = length >= 12 && BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(6)) > 0;
            if (truncatedReply)
            {
                truncated++;
            }
            else if (withAnswers)
            {
                answered++;
            }
        }
    }
}
