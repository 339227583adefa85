using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Farm.Cli.Tests.Support;
using Farm.Shared.Security;

namespace Farm.Cli.Tests;

/// <summary>policy, node, sessions, stats and client-config against a real node with real SOCKS clients.</summary>
public sealed class NodeCommandsTests : IAsyncLifetime
{
    private NodeHost _node = null!;
    private EchoServer _echo = null!;

    public async Task InitializeAsync()
    {
        _echo = new EchoServer();
        _node = await NodeHost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _echo.DisposeAsync();
    }

    [Fact]
    public async Task PolicyTest_PassAndBlock_NameTheDecidingRule()
    {
        var pass = await Farmctl.RunAsync(_node.Admin, "policy", "test", "--from", "10.1.2.3", "--to", "example.org:443");
        var block = await Farmctl.RunAsync(_node.Admin, "policy", "test", "--from", "10.1.2.3", "--to", "192.168.1.1:80");
        var outside = await Farmctl.RunAsync(_node.Admin, "policy", "test", "--from", "203.0.113.9", "--to", "example.org:443", "--json");

        Assert.Equal(0, pass.ExitCode);
        Assert.StartsWith("pass: decided by outbound", pass.Lines[0], StringComparison.Ordinal);
        Assert.Contains("`pass connect to any name outbound` is the first rule matching connect from 10.1.2.3", pass.Output, StringComparison.Ordinal);
        Assert.StartsWith("block: decided by rfc1918", block.Lines[0], StringComparison.Ordinal);
        var json = JsonDocument.Parse(outside.Output).RootElement;
        Assert.Equal("block", json.GetProperty("verdict").GetString());
        Assert.Equal("outside", json.GetProperty("deciding_rule").GetString());
    }

    [Fact]
    public async Task PolicyApply_Invalid_RefusedWithLineColumn()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "client pass from 10.0.0.0/8\npass connect to any port banana\n");

            var apply = await Farmctl.RunAsync(_node.Admin, "policy", "apply", file);

            Assert.Equal(1, apply.ExitCode);
            Assert.Contains($"{file}:2:", apply.Error, StringComparison.Ordinal);
            Assert.Contains("refused", apply.Error, StringComparison.Ordinal);
            var history = await Farmctl.RunAsync(_node.Admin, "policy", "history");
            Assert.Single(history.Lines);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task PolicyApplyThenRollback_RestoresThePreviousEnforcement()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "client pass from 10.0.0.0/8 name ten-only\npass connect to any name outbound\n");
            using (var before = await SocksClient.ConnectAsync(_node.Socks, _echo.Endpoint))
            {
                Assert.Equal(0, before.Reply);
            }

            var apply = await Farmctl.RunAsync(_node.Admin, "policy", "apply", file);
            Assert.Equal(0, apply.ExitCode);
            Assert.Equal("applied version 2 (1 of 1 members enforce it)", apply.Output.Trim());
            var refused = await Record.ExceptionAsync(() => SocksClient.ConnectAsync(_node.Socks, _echo.Endpoint));
            Assert.True(refused is IOException or SocketException, $"a loopback client is not admitted by the applied policy: {refused}");

            var rollback = await Farmctl.RunAsync(_node.Admin, "policy", "rollback");
            Assert.Equal(0, rollback.ExitCode);
            using (var after = await SocksClient.ConnectAsync(_node.Socks, _echo.Endpoint))
            {
                Assert.Equal(0, after.Reply);
            }

            var history = await Farmctl.RunAsync(_node.Admin, "policy", "history");
            Assert.Equal(3, history.Lines.Length);
            Assert.StartsWith("*3 |", history.Lines[2], StringComparison.Ordinal);
            Assert.Contains("rollback to version 1", history.Lines[2], StringComparison.Ordinal);
            var status = await Farmctl.RunAsync(_node.Admin, "policy", "status");
            Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(_node.ClusterAddress)} \| version 3 \| [0-9a-f]{{12}}$", status.Lines[0]);
            Assert.Equal("converged on version 3 (replicated)", status.Lines[^1]);
            var show = await Farmctl.RunAsync(_node.Admin, "policy", "show");
            Assert.Contains("name outbound", show.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task PolicyReload_AfterAnApply_ReappliesTheMembersOwnPolicyFile()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "client pass from 10.0.0.0/8 name ten-only\npass connect to any name outbound\n");
            var apply = await Farmctl.RunAsync(_node.Admin, "policy", "apply", file);
            Assert.True(apply.ExitCode == 0, apply.Error);
            var refused = await Record.ExceptionAsync(() => SocksClient.ConnectAsync(_node.Socks, _echo.Endpoint));
            Assert.True(refused is IOException or SocketException, $"a loopback client is not admitted by the applied policy: {refused}");

            var reload = await Farmctl.RunAsync(_node.Admin, "policy", "reload");

            Assert.Equal(0, reload.ExitCode);
            Assert.Equal("reloaded version 3 (1 of 1 members enforce it)", reload.Output.Trim());

            using var after = await SocksClient.ConnectAsync(_node.Socks, _echo.Endpoint);
            Assert.Equal(0, after.Reply);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task DrainThenUndrain_RefusesNewConnectionsMeanwhile_OpenSessionFlowsThroughout()
    {
        using var open = await SocksClient.ConnectAsync(_node.Socks, _echo.Endpoint);
        Assert.Equal(0, open.Reply);

        var drain = await Farmctl.RunAsync(_node.Admin, "node", "drain", "--deadline", "5m");

        Assert.Equal(0, drain.ExitCode);
        Assert.Contains("draining: refusing new sessions, 1 open", drain.Output, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<SocketException>(() => SocksClient.ConnectAsync(_node.Socks, _echo.Endpoint));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal("still flowing"u8.ToArray(), await open.EchoAsync("still flowing"u8.ToArray()));

        // Undrained while a session is still open, so the node has not left the cluster: it takes clients again.
        var undrain = await Farmctl.RunAsync(_node.Admin, "node", "undrain");
        Assert.Equal("accepting new sessions", undrain.Lines.Single());
        using var again = await SocksClient.ConnectAsync(_node.Socks, _echo.Endpoint);
        Assert.Equal(0, again.Reply);
        Assert.Equal("after undrain"u8.ToArray(), await open.EchoAsync("after undrain"u8.ToArray()));
    }

    [Fact]
    public async Task SessionsKill_ListedSession_ClosesThatClientsConnection()
    {
        using var victim = await SocksClient.ConnectAsync(_node.Socks, _echo.Endpoint);
        using var bystander = await SocksClient.ConnectAsync(_node.Socks, _echo.Endpoint);
        await victim.EchoAsync(new byte[100]);
        var victimClient = victim.Socket.LocalEndPoint!.ToString()!;

        var list = await Farmctl.RunAsync(_node.Admin, "sessions", "list", "--client", victimClient);

        Assert.Equal(0, list.ExitCode);
        Assert.Equal("Count: 1 sessions on 1 node", list.Lines[^1]);
        var row = list.Lines[0].Split(" | ");
        Assert.Equal(["cli-test-node", victimClient, "-", _echo.Endpoint.ToString(), "127.0.0.1", "relaying", "up 100", "down 100"], row[1..9]);

        var kill = await Farmctl.RunAsync(_node.Admin, "sessions", "kill", row[0]);

        Assert.Equal(0, kill.ExitCode);
        Assert.Equal($"session {row[0]} killed", kill.Lines.Single());
        Assert.True(await victim.ClosedAsync());
        Assert.Equal(new byte[] { 7 }, await bystander.EchoAsync([7]));
        var again = await Farmctl.RunAsync(_node.Admin, "sessions", "kill", row[0]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("no open session", again.Error, StringComparison.Ordinal);
        var all = await Farmctl.RunAsync(_node.Admin, "sessions", "list", "--all-members", "--members", _node.Admin, "--json");
        Assert.Equal(1, JsonDocument.Parse(all.Output).RootElement[0].GetProperty("sessions").GetArrayLength());
    }

    [Fact]
    public async Task Stats_OnRecordsOfARealRun_TotalsMatchWhatWasSent()
    {
        var sizes = new[] { 1000, 2500, 40_000 };
        foreach (var size in sizes)
        {
            using var client = await SocksClient.ConnectAsync(_node.Socks, _echo.Endpoint);
            await client.EchoAsync(new byte[size]);
            client.Socket.Shutdown(SocketShutdown.Send);
            Assert.True(await client.ClosedAsync());
        }

        using (var denied = await SocksClient.ConnectAsync(_node.Socks, new IPEndPoint(IPAddress.Parse("10.9.9.9"), 80)))
        {
            Assert.Equal(2, denied.Reply);
        }

        await _node.RecordsAsync(4);

        var stats = await Farmctl.RunAsync(["stats", _node.SessionLogPath, "--json"], null);
        var human = await Farmctl.RunAsync(["stats", "-"], await File.ReadAllTextAsync(_node.SessionLogPath));

        Assert.Equal(0, stats.ExitCode);
        var report = JsonDocument.Parse(stats.Output).RootElement;
        Assert.Equal(4, report.GetProperty("sessions").GetInt32());
        Assert.Equal(1, report.GetProperty("denied").GetInt32());
        Assert.Equal(sizes.Sum(), report.GetProperty("bytes_up").GetInt64());
        Assert.Equal(sizes.Sum(), report.GetProperty("bytes_down").GetInt64());
        Assert.Equal("rfc1918", report.GetProperty("denials_by_rule")[0].GetProperty("key").GetString());
        Assert.Equal(4, report.GetProperty("nodes")[0].GetProperty("count").GetInt32());
        Assert.Contains($"bytes: up {sizes.Sum()}, down {sizes.Sum()}", human.Output, StringComparison.Ordinal);
        Assert.Contains("  127.0.0.1 | 4 |", human.Output, StringComparison.Ordinal);

        var future = await Farmctl.RunAsync(["stats", _node.SessionLogPath, "--since", DateTimeOffset.UtcNow.AddHours(1).ToString("O"), "--json"], null);
        Assert.Equal(0, JsonDocument.Parse(future.Output).RootElement.GetProperty("records").GetInt32());
    }

    [Theory]
    [InlineData("proxychains", "socks5 127.0.0.1 1080")]
    [InlineData("dante", "via: 127.0.0.2 port = 1081")]
    [InlineData("curl", "socks5-hostname = \"127.0.0.1:1080\"")]
    [InlineData("pac", "return \"SOCKS5 127.0.0.1:1080; SOCKS5 127.0.0.2:1081; SOCKS 127.0.0.1:1080; SOCKS 127.0.0.2:1081\";")]
    public async Task ClientConfig_GivenNodes_EachFormat(string format, string expected)
    {
        var result = await Farmctl.RunAsync("client-config", "--format", format, "--nodes", "127.0.0.1:1080,127.0.0.2:1081");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(expected, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientConfig_FarmName_CurlUsesTheName()
    {
        var result = await Farmctl.RunAsync("client-config", "--format", "curl", "--farm-name", "socks.farm.example");

        Assert.Contains("socks5-hostname = \"socks.farm.example:1080\"", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientConfig_StandaloneNode_ListsItsAdvertisedSocksEndpoint()
    {
        var expected = $"return \"SOCKS5 127.0.0.1:{_node.Socks.Port}; SOCKS 127.0.0.1:{_node.Socks.Port}\";";

        var result = await Eventually.UntilAsync(
            () => Farmctl.RunAsync(_node.Admin, "client-config", "--format", "pac"),
            r => r.Output.Contains(expected, StringComparison.Ordinal),
            TimeSpan.FromSeconds(15));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(expected, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientConfig_PortGiven_OverridesTheAdvertisedPort()
    {
        var result = await Eventually.UntilAsync(
            () => Farmctl.RunAsync(_node.Admin, "client-config", "--format", "curl", "--port", "1999"),
            r => r.ExitCode == 0,
            TimeSpan.FromSeconds(15));

        Assert.Contains("socks5-hostname = \"127.0.0.1:1999\"", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterShow_StandaloneNode_ListsItselfWithTheSocksRole()
    {
        var show = await Farmctl.RunAsync(_node.Admin, "cluster", "show");

        Assert.Equal(0, show.ExitCode);
        Assert.Equal(2, show.Lines.Length);
        Assert.StartsWith($"{_node.ClusterAddress} | [socks] | up | False | ", show.Lines[0], StringComparison.Ordinal);
        Assert.EndsWith(" | self, leader", show.Lines[0], StringComparison.Ordinal);
        Assert.Equal("Count: 1 nodes", show.Lines[1]);
    }

    [Fact]
    public async Task Interactive_CommandsOnStdin_EachAnswered()
    {
        var result = await Farmctl.RunAsync([_node.Admin], "node status\npolicy history\nbogus\nexit\n");

        Assert.Contains("accepting new sessions", result.Output, StringComparison.Ordinal);
        Assert.Contains("embedded:default.policy", result.Output, StringComparison.Ordinal);
        Assert.Contains("Unrecognized command or argument 'bogus'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HashPassword_FromStdin_PrintsAVerifiableUserLine()
    {
        var result = await Farmctl.RunAsync(["policy", "hash-password", "alice"], "correct horse\n");

        Assert.Equal(0, result.ExitCode);
        var parts = result.Lines.Single().Split(' ');
        Assert.Equal(["user", "alice"], parts[..2]);
        Assert.True(PasswordHasher.Verify(parts[2], "correct horse"));
    }
}
