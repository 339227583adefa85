using System.Net;
using Farm.Cli.Tests.Support;
using Farm.Shared.Admin;
using Farm.Tests.Shared;

namespace Farm.Cli.Tests;

/// <summary>
/// <c>sessions list --all-members</c> sends the admin token only to members farmctl can verify: a
/// member that joined the cluster and advertises another address is not sent the token over plain HTTP.
/// </summary>
public sealed class FanOutTests : IAsyncLifetime
{
    private const string Rogue = "127.0.0.2";
    private TestFarm _farm = null!;

    public async Task InitializeAsync() =>
        _farm = await TestFarm.StartAsync(lighthouses: 1, nodes: 2, nodeHosts: ["127.0.0.1", Rogue]);

    public async Task DisposeAsync() => await _farm.DisposeAsync();

    private MemberProcess Node1 => _farm.Nodes.First();

    [Fact]
    public async Task DiscoveredPlainHttpMember_NeverReceivesTheToken()
    {
        // Whoever listens on the rogue member's address at the connected node's admin port is who farmctl would call.
        var port = int.Parse(Node1.Admin[(Node1.Admin.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        await using var listener = new RecordingListener(new IPEndPoint(IPAddress.Parse(Rogue), port));

        var token = (await File.ReadAllTextAsync(AdminTokenFile.PathFor(TestStateRoot.Path, Node1.Admin)!)).Trim();

        var list = await Farmctl.RunAsync(Node1.Admin, "sessions", "list", "--all-members");
        var withToken = await Farmctl.RunAsync(Node1.Admin, "sessions", "list", "--all-members", "--token", token);
        await Task.Delay(500);

        Assert.Equal(2, list.ExitCode);
        Assert.Contains($"{Rogue}:{port}", list.Error, StringComparison.Ordinal);
        Assert.Contains("--members", list.Error, StringComparison.Ordinal);
        Assert.True(withToken.ExitCode == 2, withToken.Error);
        Assert.DoesNotContain("Authorization", listener.Received, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(token, listener.Received, StringComparison.Ordinal);
        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task OneMemberRefusesTheToken_ExitsUnauthorizedNamingIt()
    {
        var nodes = _farm.Nodes.ToList();
        var token = (await File.ReadAllTextAsync(AdminTokenFile.PathFor(TestStateRoot.Path, nodes[0].Admin)!)).Trim();

        // The first node's token is the wrong one for the second: it answers 401.
        var list = await Farmctl.RunAsync(
            [nodes[0].Admin, "sessions", "list", "--all-members", "--members", $"{nodes[0].Admin},{nodes[1].Admin}"],
            null,
            new Dictionary<string, string> { ["FARMCTL_TOKEN"] = token });

        Assert.True(list.ExitCode == 4, $"{list.ExitCode}: {list.Error}");
        Assert.Contains($"1 member(s) not listed: {nodes[1].Admin}", list.Error, StringComparison.Ordinal);
        Assert.Contains("Count: 0 sessions on 1 node", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExplicitMembers_Listed()
    {
        var nodes = _farm.Nodes.ToList();

        var list = await Farmctl.RunAsync(Node1.Admin, "sessions", "list", "--all-members", "--members", $"{nodes[0].Admin},{nodes[1].Admin}");

        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains("Count: 0 sessions on 2 nodes", list.Output, StringComparison.Ordinal);
    }
}
