using System.Net;
using System.Net.Http.Json;
using Farm.Node.Tests.Support;
using Farm.Shared.Policy;
using Farm.Shared.Security;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Policy;

/// <summary>
/// <c>Farm:Policy:AllowLoopbackDestinations</c> on a real node process: it lifts only the local policy's
/// blanket loopback block, never a farm policy, a password rule, a narrower block or the node's own ports.
/// </summary>
public sealed class LoopbackOptInTests : IAsyncLifetime
{
    private const byte Succeeded = 0x00;
    private const byte NotAllowed = 0x02;
    private const byte NoAcceptableMethod = 0xFF;

    private LoopbackEchoServer _echo = null!;
    private LoopbackEchoServer _otherEcho = null!;
    private readonly List<string> _files = [];

    public Task InitializeAsync()
    {
        _echo = new LoopbackEchoServer();
        _otherEcho = new LoopbackEchoServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _echo.DisposeAsync();
        await _otherEcho.DisposeAsync();
        _files.ForEach(File.Delete);
    }

    [Fact]
    public async Task OptIn_FarmPolicyRequiringPasswordForLoopback_NoAuthClientRefused()
    {
        var admin = TestPorts.Next();
        await using var node = await StartAsync(admin);
        Assert.Equal(Succeeded, await ConnectNoAuthAsync(node.Endpoint, IPAddress.Loopback, _echo.Endpoint.Port));

        await ApplyAsync(node, admin, $"""
            client pass from 127.0.0.0/8
            user alice {PasswordHasher.Hash("pw", iterations: 1_000)}
            pass connect to 127.0.0.0/8 auth password name loopback-with-password
            """);

        Assert.Equal(NoAcceptableMethod, await GreetNoAuthAsync(node.Endpoint));
    }

    /// <summary>
    /// Whether a version is the node's own file is recorded where it was written (seeded or reloaded from the
    /// file), never guessed from its text: the same text applied from farmctl is a farm policy, enforced as written.
    /// </summary>
    [Fact]
    public async Task OptIn_FarmPolicyIdenticalToTheNodesOwnDefault_NotLoosened()
    {
        var admin = TestPorts.Next();
        await using var node = await StartAsync(admin);
        Assert.Equal(Succeeded, await ConnectNoAuthAsync(node.Endpoint, IPAddress.Loopback, _echo.Endpoint.Port));

        await ApplyAsync(node, admin, DefaultPolicy.ReadText());
        var applied = await ConnectNoAuthAsync(node.Endpoint, IPAddress.Loopback, _echo.Endpoint.Port);
        await PostAsync(admin, "/policy/reload", new { author = "test" });
        var reloaded = await ConnectNoAuthAsync(node.Endpoint, IPAddress.Loopback, _echo.Endpoint.Port);

        Assert.Equal((NotAllowed, Succeeded), (applied, reloaded));
    }

    [Fact]
    public async Task OptIn_FarmPolicyBlockingLoopback_EnforcedAsWritten()
    {
        var admin = TestPorts.Next();
        await using var node = await StartAsync(admin);

        await ApplyAsync(node, admin, """
            client pass from 127.0.0.0/8
            block any to 127.0.0.0/8 name farm-blocks-loopback
            pass connect to any
            """);

        Assert.Equal(NotAllowed, await ConnectNoAuthAsync(node.Endpoint, IPAddress.Loopback, _echo.Endpoint.Port));
    }

    [Fact]
    public async Task OptIn_LocalPolicyRequiringPasswordForLoopback_NoAuthClientRefused()
    {
        var file = await PolicyFileAsync($"""
            client pass from 127.0.0.0/8
            user alice {PasswordHasher.Hash("pw", iterations: 1_000)}
            pass connect to 127.0.0.1 port {_echo.Endpoint.Port} auth password
            """);
        await using var node = await StartAsync(TestPorts.Next(), ("FARM__POLICY__FILE", file));

        Assert.Equal(NoAcceptableMethod, await GreetNoAuthAsync(node.Endpoint));
    }

    [Fact]
    public async Task OptIn_LocalPolicyWithNarrowerBlockAfterLoopbackBlock_NarrowerBlockStillRefuses()
    {
        var file = await PolicyFileAsync($"""
            client pass from 127.0.0.0/8
            block any to 127.0.0.0/8 name loopback
            block connect to 127.0.0.1 port {_echo.Endpoint.Port} name no-echo
            pass connect to any
            """);
        await using var node = await StartAsync(TestPorts.Next(), ("FARM__POLICY__FILE", file));

        Assert.Equal(NotAllowed, await ConnectNoAuthAsync(node.Endpoint, IPAddress.Loopback, _echo.Endpoint.Port));
        Assert.Equal(Succeeded, await ConnectNoAuthAsync(node.Endpoint, IPAddress.Loopback, _otherEcho.Endpoint.Port));
        await WaitForRecordAsync(node, "no-echo");
    }

    [Fact]
    public async Task OptIn_NodesOwnNonDefaultPorts_RefusedAsDestinations()
    {
        var (admin, telemetry, remoting) = (TestPorts.Next(), TestPorts.Next(), TestPorts.Next());
        await using var node = await StartAsync(admin, ("FARM__TELEMETRY__LISTEN", $"127.0.0.1:{telemetry}"), ("FARM__CLUSTER__PORT", $"{remoting}"));

        foreach (var port in new[] { admin, telemetry, remoting })
        {
            Assert.True(NotAllowed == await ConnectNoAuthAsync(node.Endpoint, IPAddress.Loopback, port), $"the node's own port {port} is reachable through it");
        }

        Assert.Equal(Succeeded, await ConnectNoAuthAsync(node.Endpoint, IPAddress.Loopback, _echo.Endpoint.Port));
    }

    /// <summary>A CONNECT through the node to its own SOCKS listener would loop back into it (and count twice).</summary>
    [Fact]
    public async Task OptIn_NodesOwnSocksPort_RefusedAsDestination()
    {
        var socks = TestPorts.Next();
        await using var node = await ExternalNodeProcess.StartAsync($"127.0.0.1:{socks}", new Dictionary<string, string>
        {
            ["FARM__POLICY__ALLOWLOOPBACKDESTINATIONS"] = "true",
            ["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{TestPorts.Next()}",
        });

        Assert.Equal(NotAllowed, await ConnectNoAuthAsync(node.Endpoint, IPAddress.Loopback, socks));
        Assert.Equal(Succeeded, await ConnectNoAuthAsync(node.Endpoint, IPAddress.Loopback, _echo.Endpoint.Port));
        await WaitForRecordAsync(node, "opt-in-farm-ports");
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("::127.0.0.1")]
    [InlineData("2002:7f00:1::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe")]
    public async Task OptIn_DefaultPolicy_AddressesEmbeddingLoopbackRefused(string address)
    {
        await using var node = await StartAsync(TestPorts.Next(), ("FARM__SOCKS__CONNECTTIMEOUT", "00:00:02"));

        Assert.Equal(NotAllowed, await ConnectNoAuthAsync(node.Endpoint, IPAddress.Parse(address), _echo.Endpoint.Port));
    }

    private static Task<ExternalNodeProcess> StartAsync(int admin, params (string Key, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["FARM__POLICY__ALLOWLOOPBACKDESTINATIONS"] = "true",
            ["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{admin}",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        return ExternalNodeProcess.StartAsync("127.0.0.1:0", environment);
    }

    private async Task<string> PolicyFileAsync(string text)
    {
        var file = Path.GetTempFileName();
        _files.Add(file);
        await File.WriteAllTextAsync(file, text);
        return file;
    }

    /// <summary>Applies once the node enforces the seed: a write replaces the version the node enforces.</summary>
    private static async Task ApplyAsync(ExternalNodeProcess node, int admin, string text)
    {
        for (var i = 0; i < 200 && !node.Diagnostics.Contains("Enforcing farm policy version 1", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }

        await PostAsync(admin, "/policy/apply", new { text, author = "test" });
    }

    private static async Task PostAsync<T>(int admin, string route, T body)
    {
        using var http = AdminTestToken.Client(TimeSpan.FromSeconds(20));
        var response = await http.PostAsJsonAsync($"http://127.0.0.1:{admin}{route}", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<byte> GreetNoAuthAsync(IPEndPoint node)
    {
        using var client = await RawClient.ConnectAsync(node);
        await client.SendAsync(0x05, 0x01, 0x00);
        return (await client.ReceiveExactlyAsync(2))[1];
    }

    /// <summary>SOCKS5, no authentication, CONNECT to an address: the reply code.</summary>
    private static async Task<byte> ConnectNoAuthAsync(IPEndPoint node, IPAddress address, int port)
    {
        using var client = await RawClient.ConnectAsync(node);
        await client.SendAsync(0x05, 0x01, 0x00);
        var method = await client.ReceiveExactlyAsync(2);
        if (method[1] != 0x00)
        {
            return method[1];
        }

        byte[] type = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? [0x01] : [0x04];
        await client.SendAsync([0x05, 0x01, 0x00, .. type, .. address.GetAddressBytes(), (byte)(port >> 8), (byte)port]);
        return (await client.ReceiveExactlyAsync(2, TimeSpan.FromSeconds(15)))[1];
    }

    private static async Task WaitForRecordAsync(ExternalNodeProcess node, string rule)
    {
        for (var i = 0; i < 100 && !node.SessionRecords().Any(r => r.GetProperty("rule").GetString() == rule); i++)
        {
            await Task.Delay(50);
        }

        Assert.Contains(node.SessionRecords(), r => r.GetProperty("rule").GetString() == rule);
    }
}
