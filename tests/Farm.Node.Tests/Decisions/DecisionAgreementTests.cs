using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Farm.Admin;
using Farm.Node.Tests.Support;
using Farm.Shared.Admin;
using Microsoft.Extensions.DependencyInjection;

namespace Farm.Node.Tests.Decisions;

/// <summary>
/// The same table of requests through a running node (real SOCKS requests, judged by the reply code) and
/// through <c>policy test</c> (the node's admin API): both must say pass or block alike on every case.
/// </summary>
public sealed class DecisionAgreementTests : IAsyncLifetime
{
    private static readonly TimeSpan EchoWait = TimeSpan.FromSeconds(1.5);

    private FakeUpstreamSocks _upstream = null!;
    private LoopbackEchoServer _echo = null!;
    private LoopbackUdpEcho _udpEcho = null!;
    private FarmNodeHost _node = null!;

    public async Task InitializeAsync()
    {
        _upstream = new FakeUpstreamSocks();
        _echo = new LoopbackEchoServer();
        _udpEcho = new LoopbackUdpEcho();
        _node = await FarmNodeHost.StartAsync(
            $"""
            client pass from 127.0.0.0/8
            block connect to blocked.partner.test name no-blocked
            pass connect to open.partner.test port 22 name partner-open
            pass connect to 127.0.0.66 port 22 name partner-address
            pass connect to 127.0.0.1 port {_echo.Endpoint.Port} name echo
            pass bind to 127.0.0.1 name bind-local
            pass udp from 127.0.0.1 to 127.0.0.1 port {_udpEcho.Endpoint.Port} name udp-echo
            route to *.partner.test via socks5 {_upstream.Endpoint} user farm password s3cret
            route to 127.0.0.64/28 via socks5 {_upstream.Endpoint}
            """);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _udpEcho.DisposeAsync();
        await _echo.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task NodeAndPolicyTest_SameVerdictOnEveryCase()
    {
        var echo = _echo.Endpoint.Port;
        var udp = _udpEcho.Endpoint.Port;
        (string Command, string From, string Host, int Port)[] cases =
        [
            ("connect", "127.0.0.1", "127.0.0.1", echo),
            ("connect", "127.0.0.1", "localhost", echo),
            ("connect", "127.0.0.1", "127.0.0.2", echo),
            ("connect", "127.0.0.1", "localhost", 22),
            ("connect", "127.0.0.1", "secret.partner.test", 22),
            ("connect", "127.0.0.1", "Secret.Partner.Test.", 22),
            ("connect", "127.0.0.1", "open.partner.test", 22),
            ("connect", "127.0.0.1", "blocked.partner.test", 22),
            ("connect", "127.0.0.1", "127.0.0.70", 22),
            ("connect", "127.0.0.1", "127.0.0.66", 22),
            ("bind", "127.0.0.1", "127.0.0.1", 21),
            ("bind", "127.0.0.1", "localhost", 21),
            ("bind", "127.0.0.1", "127.0.0.2", 21),
            ("udp", "127.0.0.1", "127.0.0.1", udp),
            ("udp", "127.0.0.1", "localhost", udp),
            ("udp", "127.0.0.1", "127.0.0.1", 9),
            ("udp", "127.0.0.3", "127.0.0.1", udp),
        ];
        var admin = _node.Services.GetRequiredService<AdminServer>().Endpoint!;
        using var http = AdminTestToken.Client(TimeSpan.FromSeconds(30), new Uri($"http://{admin}"));
        var disagreements = new List<string>();
        var passes = 0;
        foreach (var (command, from, host, port) in cases)
        {
            var node = await OnNodeAsync(command, IPAddress.Parse(from), host, port);
            var response = await http.PostAsJsonAsync(AdminRoutes.PolicyTest, new PolicyTestRequest(from, null, null, $"{host}:{port}", command), AdminJsonContext.Default.PolicyTestRequest);
            response.EnsureSuccessStatusCode();
            var tested = (await response.Content.ReadFromJsonAsync(AdminJsonContext.Default.PolicyTestResult))!;
            passes += node == "pass" ? 1 : 0;
            if (node != tested.Verdict)
            {
                disagreements.Add($"{command} from {from} to {host}:{port}: node {node}, policy test {tested.Verdict} ({string.Join("; ", tested.Steps.Select(s => $"{s.Stage} {s.Result}"))})");
            }
        }

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
        Assert.Equal(8, passes);
    }

    /// <summary>"pass" when the node granted (and, for UDP, relayed a datagram both ways), "block" on 0x02, else the reply.</summary>
    private async Task<string> OnNodeAsync(string command, IPAddress from, string host, int port)
    {
        var code = command switch
        {
            "connect" => (byte)0x01,
            "bind" => (byte)0x02,
            _ => (byte)0x03,
        };
        using var probe = await SocksProbe.Socks5Async(_node.Endpoint, code, code == 0x03 ? "0.0.0.0" : host, code == 0x03 ? 0 : port, from);
        if (probe.Reply != 0x00)
        {
            return probe.Reply == 0x02 ? "block" : $"reply 0x{probe.Reply:X2}";
        }

        return code == 0x03 && !await DatagramEchoedAsync(probe.Bound!, from, host, port) ? "block" : "pass";
    }

    private static async Task<bool> DatagramEchoedAsync(IPEndPoint relay, IPAddress from, string host, int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(from, 0));
        var header = IPAddress.TryParse(host, out var address)
            ? [0, 0, 0, 0x01, .. address.GetAddressBytes()]
            : new byte[] { 0, 0, 0, 0x03, (byte)host.Length }.Concat(System.Text.Encoding.ASCII.GetBytes(host)).ToArray();
        byte[] datagram = [.. header, (byte)(port >> 8), (byte)port, 0x42, 0x43];
        await socket.SendToAsync(datagram, SocketFlags.None, relay);
        using var wait = new CancellationTokenSource(EchoWait);
        try
        {
            var buffer = new byte[512];
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token);
            return received >= 2 && buffer[received - 2] == 0x42 && buffer[received - 1] == 0x43;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
