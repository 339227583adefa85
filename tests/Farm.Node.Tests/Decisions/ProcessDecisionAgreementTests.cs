using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Farm.Node.Tests.Support;
using Farm.Shared.Admin;
using Farm.Shared.Records;
using Farm.Shared.Security;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Decisions;

/// <summary>
/// A real node process and its admin API's <c>policy test</c> on the tricky cases of the whole decision
/// procedure: a name pass shadowed by a block on its address, a route, a client the client rule refuses and a
/// user over a session limit. For each, the node's reply and session record (read with the shared
/// <see cref="SessionRecord"/>) and the policy test must name the same verdict and the same deciding rule.
/// </summary>
public sealed class ProcessDecisionAgreementTests
{
    private const string AlicePassword = "alice-pw";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NodeAndPolicyTest_AgreeOnVerdictRuleAndRoute_ForTheTrickyCases()
    {
        await using var echo = new LoopbackEchoServer();
        var port = echo.Endpoint.Port;
        var shadowed = TestPorts.Next();
        var admin = TestPorts.Next();
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, $"""
                client block from 127.0.0.9 name quarantine
                client pass from 127.0.0.0/8 name loopback
                user alice {PasswordHasher.Hash(AlicePassword, 1_000)}
                block connect to 127.0.0.1, ::1 port {shadowed} name no-local-address
                pass connect to localhost port {shadowed} name local-name
                pass connect to 127.0.0.1 port {port} name echo
                route to 127.0.0.1 port {port} via egress 127.0.0.5
                limit user alice sessions 1
                """);
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = file,
                ["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{admin}",
            });
            using var http = AdminTestToken.Client(Patience, new Uri($"http://127.0.0.1:{admin}/"));
            var results = new List<(string Case, string Node, string? Client, PolicyTestResult Tested)>();

            // A name pass shadowed by an address block: localhost passes by name, every address it resolves to is blocked.
            using (var probe = await SocksProbe.Socks5Async(node.Endpoint, 0x01, "localhost", shadowed))
            {
                results.Add(("shadowed name", Verdict(probe.Reply), Local(probe.Client), await TestAsync(http, "127.0.0.1", null, $"localhost:{shadowed}")));
            }

            // A route: the pass and the egress the node dials from.
            using (var probe = await SocksProbe.Socks5Async(node.Endpoint, 0x01, "127.0.0.1", port))
            {
                results.Add(("route", Verdict(probe.Reply), Local(probe.Client), await TestAsync(http, "127.0.0.1", null, $"127.0.0.1:{port}")));
            }

            // A client the client rule refuses: not one SOCKS byte back.
            var (refusedClient, answer) = await RefusedClientAsync(node.Endpoint, IPAddress.Parse("127.0.0.9"));
            results.Add(("client refused", answer.Length == 0 ? "block" : $"answered {Convert.ToHexString(answer)}", refusedClient, await TestAsync(http, "127.0.0.9", null, $"127.0.0.1:{port}")));

            // A user over a session limit: alice's first session holds her one place on this node.
            var underLimit = await TestAsync(http, "127.0.0.1", "alice", $"127.0.0.1:{port}");
            var (first, firstReply) = await LoggedInConnectAsync(node.Endpoint, port);
            using (first)
            {
                results.Add(("user under limit", Verdict(firstReply), Local(first), underLimit));
                var overLimit = await TestAsync(http, "127.0.0.1", "alice", $"127.0.0.1:{port}");
                var (second, secondReply) = await LoggedInConnectAsync(node.Endpoint, port);
                using (second)
                {
                    results.Add(("user over limit", Verdict(secondReply), Local(second), overLimit));
                }
            }

            var records = await RecordsAsync(node, results.Count);
            var disagreements = new List<string>();
            foreach (var (name, onNode, client, tested) in results)
            {
                var record = records.SingleOrDefault(r => r.Client == client);
                var route = tested.Steps.FirstOrDefault(s => s.Stage == "route")?.Result;
                if (onNode != tested.Verdict || record?.Rule != tested.DecidingRule || (onNode == "pass" && record?.Route != route))
                {
                    disagreements.Add($"{name}: node {onNode} rule {record?.Rule} route {record?.Route}; policy test {tested.Verdict} rule {tested.DecidingRule} route {route} ({string.Join("; ", tested.Steps.Select(s => $"{s.Stage} {s.Result}"))})");
                }
            }

            Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
            Assert.Equal(
                [("shadowed name", "block", "no-local-address"), ("route", "pass", "echo"), ("client refused", "block", "quarantine"), ("user under limit", "pass", "echo"), ("user over limit", "block", "limit line 8")],
                results.Select(r => (r.Case, r.Node, r.Tested.DecidingRule)));
            Assert.Equal("egress 127.0.0.5", records.Single(r => r.Client == results[1].Client).Route);
            Assert.Equal("session-limit", records.Single(r => r.Client == results[4].Client).Outcome);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Verdict(byte reply) => reply switch
    {
        0x00 => "pass",
        0x02 => "block",
        _ => $"reply 0x{reply:X2}",
    };

    private static string? Local(RawClient client) => client.Socket.LocalEndPoint?.ToString();

    private static async Task<PolicyTestResult> TestAsync(HttpClient http, string from, string? user, string to)
    {
        var response = await http.PostAsJsonAsync(AdminRoutes.PolicyTest, new PolicyTestRequest(from, user, null, to, "connect"), AdminJsonContext.Default.PolicyTestRequest);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(AdminJsonContext.Default.PolicyTestResult))!;
    }

    /// <summary>
    /// Connects from <paramref name="from"/> and reads until the node closes: its address (known from the bind,
    /// as the node may reset the connection before the connect returns) and what the node sent, if anything.
    /// </summary>
    private static async Task<(string Client, byte[] Answer)> RefusedClientAsync(IPEndPoint node, IPAddress from)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(from, 0));
        var client = socket.LocalEndPoint!.ToString()!;
        try
        {
            using var deadline = new CancellationTokenSource(Patience);
            await socket.ConnectAsync(node, deadline.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return (client, []);
        }

        using var connected = RawClient.Wrap(socket);
        return (client, await connected.ReceiveUntilClosedAsync(Patience));
    }

    /// <summary>A SOCKS5 CONNECT to 127.0.0.1:<paramref name="port"/> as alice, after a password login.</summary>
    private static async Task<(RawClient Client, byte Reply)> LoggedInConnectAsync(IPEndPoint node, int port)
    {
        var client = await RawClient.ConnectAsync(node);
        await client.SendAsync(0x05, 0x01, 0x02);
        Assert.Equal([0x05, 0x02], await client.ReceiveExactlyAsync(2, Patience));
        byte[] user = Encoding.ASCII.GetBytes("alice");
        byte[] password = Encoding.ASCII.GetBytes(AlicePassword);
        await client.SendAsync([0x01, (byte)user.Length, .. user, (byte)password.Length, .. password]);
        Assert.Equal([0x01, 0x00], await client.ReceiveExactlyAsync(2, Patience));
        await client.SendAsync(0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte)(port >> 8), (byte)port);
        var reply = await client.ReceiveExactlyAsync(10, Patience);
        return (client, reply[1]);
    }

    /// <summary>The node's records, read with the shared record type, once it has written <paramref name="count"/>.</summary>
    private static async Task<IReadOnlyList<SessionRecord>> RecordsAsync(ExternalNodeProcess node, int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var records = node.SessionRecords().Select(r => JsonSerializer.Deserialize(r.GetRawText(), SessionRecordJsonContext.Default.SessionRecord)!).ToList();
            if (records.Count >= count || DateTime.UtcNow > deadline)
            {
                return records;
            }

            await Task.Delay(100);
        }
    }
}
