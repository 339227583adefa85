using System.Net.Sockets;
using Farm.Cli.Tests.Support;

namespace Farm.Cli.Tests;

/// <summary>
/// farmctl against a real multi-process farm: one lighthouse and two SOCKS nodes, each its own
/// process on its own loopback ports, joined through the lighthouse as production farms are.
/// </summary>
public sealed class FarmCommandsTests : IAsyncLifetime
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    private TestFarm _farm = null!;
    private EchoServer _echo = null!;

    private MemberProcess Lighthouse => _farm.Seed;

    private MemberProcess Node1 => _farm.Members[1];

    private MemberProcess Node2 => _farm.Members[2];

    public async Task InitializeAsync()
    {
        _echo = new EchoServer();
        try
        {
            _farm = await TestFarm.StartAsync(lighthouses: 1, nodes: 2);
        }
        catch
        {
            await _echo.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            await _farm.DisposeAsync();
        }
        finally
        {
            await _echo.DisposeAsync();
        }
    }

    [Fact]
    public async Task ClusterShow_LighthouseAndTwoNodes_EachRowWithItsRole()
    {
        var show = await Farmctl.RunAsync(Lighthouse.Admin, "cluster", "show");
        // Gossip reaches every member a moment after the seed: a node's view converges to the same rows.
        var fromNode = await Eventually.UntilAsync(
            () => Farmctl.RunAsync(Node2.Admin, "cluster", "show"),
            r => Columns(r, 5).Order().SequenceEqual(Columns(show, 5).Order()),
            Settle);

        Assert.Equal(0, show.ExitCode);
        Assert.Equal(4, show.Lines.Length);
        Assert.Contains($"{Lighthouse.Address} | [lighthouse] | up | False", Columns(show, 4));
        Assert.Contains($"{Node1.Address} | [socks] | up | False", Columns(show, 4));
        Assert.Contains($"{Node2.Address} | [socks] | up | False", Columns(show, 4));
        Assert.Equal("Count: 3 nodes", show.Lines[3]);

        // Each member marks its own row self; the rows are otherwise the same from every member.
        Assert.Equal(Columns(show, 5).Order(), Columns(fromNode, 5).Order());
        Assert.EndsWith(" | self", show.Lines.Single(l => l.StartsWith(Lighthouse.Address + " |", StringComparison.Ordinal)).Replace(", leader", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.EndsWith(" | self", fromNode.Lines.Single(l => l.StartsWith(Node2.Address + " |", StringComparison.Ordinal)).Replace(", leader", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyStatus_EveryMember_SameVersionAndConverged()
    {
        var status = await Eventually.UntilAsync(
            () => Farmctl.RunAsync(Node1.Admin, "policy", "status"),
            r => r.Output.Contains("converged on version 1", StringComparison.Ordinal) && !r.Output.Contains("NOT", StringComparison.Ordinal),
            Settle);

        Assert.Equal(0, status.ExitCode);
        Assert.All(status.Lines[..^1], line => Assert.Matches(@" \| version 1 \| [0-9a-f]{12}$", line));
        Assert.Single(status.Lines[..^1].Select(line => line[^12..]).Distinct());
        Assert.Equal(
            new[] { $"{Lighthouse.Address} | version 1", $"{Node1.Address} | version 1", $"{Node2.Address} | version 1" }.Order(StringComparer.Ordinal),
            status.Lines[..^1].Select(line => line[..^15]).Order(StringComparer.Ordinal));
        Assert.Equal("converged on version 1 (replicated)", status.Lines[^1]);
    }

    [Fact]
    public async Task PolicyApply_OnOneNode_EveryMemberEnforcesItAndAnotherNodeReportsConverged()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "client pass from 10.0.0.0/8 name ten-only\npass connect to any name outbound\n");

            var apply = await Farmctl.RunAsync(Node1.Admin, "policy", "apply", file);

            Assert.Equal(0, apply.ExitCode);
            Assert.Matches(@"^applied version 2 \([23] of 3 members enforce it\)$", apply.Output.Trim());
            var status = await Eventually.UntilAsync(
                () => Farmctl.RunAsync(Node2.Admin, "policy", "status"),
                r => r.Output.Contains("converged on version 2", StringComparison.Ordinal) && !r.Output.Contains("NOT", StringComparison.Ordinal),
                Settle);
            Assert.Equal("converged on version 2 (replicated)", status.Lines[^1]);
            Assert.All(status.Lines[..^1], line => Assert.Matches(@" \| version 2 \| [0-9a-f]{12}$", line));
            Assert.Single(status.Lines[..^1].Select(line => line[^12..]).Distinct());

            // Enforced, not only reported: node 2 no longer admits a loopback client.
            var refused = await Record.ExceptionAsync(() => SocksClient.ConnectAsync(Node2.Socks!, _echo.Endpoint));
            Assert.True(refused is IOException or SocketException, $"node 2 admits a loopback client under the applied policy: {refused}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task PolicyPalette_OnTheLighthouse_AnswersAsANodeDoesAndItsWritesAreEnforced()
    {
        var onNode = await Farmctl.RunAsync(Node1.Admin, "policy", "show");
        var onLighthouse = await Farmctl.RunAsync(Lighthouse.Admin, "policy", "show");

        Assert.Equal(0, onLighthouse.ExitCode);
        Assert.StartsWith("# version 1 by ", onLighthouse.Lines[0], StringComparison.Ordinal);
        Assert.Equal(onNode.Lines[1..], onLighthouse.Lines[1..]);
        string[] question = ["policy", "test", "--from", "127.0.0.1", "--to", $"127.0.0.1:{_echo.Endpoint.Port}"];
        var testOnNode = await Farmctl.RunAsync([Node1.Admin, .. question], null);
        var testOnLighthouse = await Farmctl.RunAsync([Lighthouse.Admin, .. question], null);
        Assert.Equal(0, testOnLighthouse.ExitCode);
        Assert.Equal("pass: decided by test-loopback (policy version 1)", testOnLighthouse.Lines[0]);
        Assert.Equal(testOnNode.Lines[0], testOnLighthouse.Lines[0]);

        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "client pass from 10.0.0.0/8 name ten-only\npass connect to any name outbound\n");
            var apply = await Farmctl.RunAsync(Lighthouse.Admin, "policy", "apply", file);

            Assert.Equal(0, apply.ExitCode);
            Assert.Contains("applied version 2 (", apply.Output, StringComparison.Ordinal);
            var refused = await Eventually.UntilAsync(
                () => Record.ExceptionAsync(() => SocksClient.ConnectAsync(Node2.Socks!, _echo.Endpoint)),
                e => e is IOException or SocketException,
                Settle);
            Assert.True(refused is IOException or SocketException, $"node 2 admits a loopback client under the policy applied through the lighthouse: {refused}");
        }
        finally
        {
            File.Delete(file);
        }

        var history = await Farmctl.RunAsync(Lighthouse.Admin, "policy", "history");
        Assert.Equal(0, history.ExitCode);
        Assert.Equal(["1", "*2"], history.Lines.Select(l => l.Split(" | ")[0].Trim()).ToArray());

        // A reload re-applies the file the lighthouse seeded the farm with: loopback clients pass again.
        var reload = await Farmctl.RunAsync(Lighthouse.Admin, "policy", "reload");
        Assert.Equal(0, reload.ExitCode);
        Assert.Contains("version 3 (", reload.Output, StringComparison.Ordinal);
        using var admitted = await SocksClient.ConnectAsync(Node2.Socks!, _echo.Endpoint);
        Assert.Equal(0, admitted.Reply);
    }

    [Fact]
    public async Task ClusterLeave_NodeByAddress_IsGoneFromTheLighthouseView()
    {
        var leave = await Farmctl.RunAsync(Lighthouse.Admin, "cluster", "leave", Node2.Address);

        Assert.Equal(0, leave.ExitCode);
        Assert.Contains("is leaving", leave.Output, StringComparison.Ordinal);
        var show = await ShowUntilAsync(r => r.Output.Contains("Count: 2 nodes", StringComparison.Ordinal));
        Assert.Equal("Count: 2 nodes", show.Lines[^1]);
        Assert.DoesNotContain(Node2.Address, show.Output, StringComparison.Ordinal);
        Assert.Contains($"{Node1.Address} | [socks] | up | False", Columns(show, 4));
    }

    [Fact]
    public async Task NodeDrain_ClusteredNode_RefusesNewKeepsOpenSessionThenLeavesWhenItEnds()
    {
        using var open = await SocksClient.ConnectAsync(Node1.Socks!, _echo.Endpoint);
        Assert.Equal(0, open.Reply);

        Assert.Equal([1, 2, 3], await open.EchoAsync([1, 2, 3]));
        var drain = await Farmctl.RunAsync(Node1.Admin, "node", "drain");

        Assert.Equal(0, drain.ExitCode);
        Assert.Equal("draining: refusing new sessions, 1 open until they end", drain.Lines.Single());
        var refused = await Assert.ThrowsAsync<SocketException>(() => SocksClient.ConnectAsync(Node1.Socks!, _echo.Endpoint));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal("still flowing"u8.ToArray(), await open.EchoAsync("still flowing"u8.ToArray()));
        using (var elsewhere = await SocksClient.ConnectAsync(Node2.Socks!, _echo.Endpoint))
        {
            Assert.Equal(0, elsewhere.Reply);
        }

        // Still a member while its session is open: it leaves only once the session has ended.
        var during = await Farmctl.RunAsync(Lighthouse.Admin, "cluster", "show");
        Assert.Contains($"{Node1.Address} | [socks] | up | False", Columns(during, 4));

        open.Socket.Shutdown(SocketShutdown.Send);
        Assert.True(await open.ClosedAsync());
        var show = await ShowUntilAsync(r => r.Output.Contains("Count: 2 nodes", StringComparison.Ordinal));
        Assert.Equal("Count: 2 nodes", show.Lines[^1]);
        Assert.DoesNotContain(Node1.Address, show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeDrain_Deadline_ClosesTheOpenSessionThenTheNodeLeaves()
    {
        using var open = await SocksClient.ConnectAsync(Node2.Socks!, _echo.Endpoint);
        Assert.Equal(0, open.Reply);

        // A byte echoed back proves the session relays (the node counts it open) before the drain is asked.
        Assert.Equal([1, 2, 3], await open.EchoAsync([1, 2, 3]));
        var drain = await Farmctl.RunAsync(Node2.Admin, "node", "drain", "--deadline", "2s");

        Assert.Equal(0, drain.ExitCode);
        Assert.StartsWith("draining: refusing new sessions, 1 open until they end or ", drain.Lines.Single(), StringComparison.Ordinal);
        Assert.True(await open.ClosedAsync(), "the open session is closed at the deadline");
        var show = await ShowUntilAsync(r => r.Output.Contains("Count: 2 nodes", StringComparison.Ordinal));
        Assert.Equal("Count: 2 nodes", show.Lines[^1]);
        Assert.DoesNotContain(Node2.Address, show.Output, StringComparison.Ordinal);
    }

    private Task<Farmctl.Result> ShowUntilAsync(Func<Farmctl.Result, bool> done) =>
        Eventually.UntilAsync(() => Farmctl.RunAsync(Lighthouse.Admin, "cluster", "show"), done, Settle);

    /// <summary>The first <paramref name="count"/> columns of each member row (address, roles, status, unreachable, app-version, marks).</summary>
    private static IEnumerable<string> Columns(Farmctl.Result show, int count) =>
        show.Lines.Where(l => l.Contains(" | ", StringComparison.Ordinal)).Select(l => string.Join(" | ", l.Split(" | ").Take(count)));
}
