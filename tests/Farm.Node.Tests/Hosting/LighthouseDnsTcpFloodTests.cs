using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Issue 16 follow-up: over-limit UDP clients are told to retry over TCP, so DNS over TCP must not be
/// the way to starve the lighthouse. One source holding hundreds of idle TCP connections to a lighthouse
/// that may open few descriptors must not stop another source's answers, over TCP or UDP.
/// </summary>
public sealed partial class LighthouseDnsTcpFloodTests
{
    private const int DescriptorLimit = 512;
    private const int IdleConnections = 450;
    private static readonly IPAddress Hog = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Other = IPAddress.Parse("127.0.0.3");

    [Fact]
    public async Task HundredsOfIdleTcpConnectionsFromOneSource_AnotherSourceStillAnsweredOverTcpAndUdp()
    {
        var dns = new IPEndPoint(IPAddress.Loopback, TestPorts.Next());
        var metrics = $"127.0.0.1:{TestPorts.Next()}";
        await using var lighthouse = LighthouseProcess.Start(
            new Dictionary<string, string>
            {
                ["FARM__DNS__LISTEN__0"] = dns.ToString(),
                ["FARM__CLUSTER__PORT"] = TestPorts.Next().ToString(CultureInfo.InvariantCulture),
                ["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{TestPorts.Next()}",
                ["FARM__TELEMETRY__LISTEN"] = metrics,
            },
            descriptorLimit: DescriptorLimit);
        for (var i = 0; i < 60 && (await DigSoaAsync(dns, Other, tcp: false)).Answer.Length == 0; i++)
        {
            Assert.False(lighthouse.HasExited, "the lighthouse exited");
            await Task.Delay(500);
        }

        var idle = new List<Socket>();
        try
        {
            for (var i = 0; i < IdleConnections; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                idle.Add(socket);
                socket.Bind(new IPEndPoint(Hog, 0));
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await socket.ConnectAsync(dns, deadline.Token);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
                {
                    // Refused over its source's cap so fast that the connect saw the reset: what the cap does.
                }
            }

            // Time for the lighthouse to accept (or refuse) every one of them, well within any idle timeout.
            await Task.Delay(TimeSpan.FromMilliseconds(500));

            var overTcp = await DigSoaAsync(dns, Other, tcp: true);
            Assert.True(overTcp.Answer.Length > 0, $"no answer over TCP from another source while one source holds {IdleConnections} connections");
            Assert.True(overTcp.Elapsed < TimeSpan.FromSeconds(2), $"the TCP answer took {overTcp.Elapsed.TotalMilliseconds:F0} ms");
            var overUdp = await DigSoaAsync(dns, Other, tcp: false);
            Assert.True(overUdp.Answer.Length > 0, "no answer over UDP from another source");
            Assert.True(overUdp.Elapsed < TimeSpan.FromSeconds(2), $"the UDP answer took {overUdp.Elapsed.TotalMilliseconds:F0} ms");

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var scrape = await http.GetStringAsync(new Uri($"http://{metrics}/metrics"));
            var refused = RefusedLine().Matches(scrape).Where(m => m.Groups["reason"].Value == "source-cap").Select(m => long.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)).SingleOrDefault(-1);
            // 16 per source by default; the rest were closed as they were accepted.
            Assert.True(refused >= IdleConnections - 16, $"farm_dns_tcp_refused_total{{reason=\"source-cap\"}} is {refused}, expected at least {IdleConnections - 16}");
        }
        finally
        {
            idle.ForEach(socket => socket.Dispose());
        }
    }

    private static async Task<(string Answer, TimeSpan Elapsed)> DigSoaAsync(IPEndPoint server, IPAddress source, bool tcp)
    {
        var clock = Stopwatch.StartNew();
        var dig = await ProcessRunner.RunAsync(
            "dig",
            [$"@{server.Address}", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-b", source.ToString(), "+time=2", "+tries=1", tcp ? "+tcp" : "+notcp", "+short", "farm.test", "SOA"],
            TimeSpan.FromSeconds(10));
        return (dig.ExitCode == 0 ? dig.StandardOutput.Trim() : string.Empty, clock.Elapsed);
    }

    [GeneratedRegex(@"^farm_dns_tcp_refused_total\{[^}]*reason=""(?<reason>[\w-]+)""[^}]*\} (?<value>\d+)", RegexOptions.Multiline)]
    private static partial Regex RefusedLine();
}
