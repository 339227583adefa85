using Farm.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>A fresh farm (of <paramref name="lighthouses"/> lighthouses) and test HTTP server per test; both are torn down (every process killed) whatever happens.</summary>
public abstract class ClusterTestBase(ITestOutputHelper output, int lighthouses = 1) : IAsyncLifetime
{
    protected static readonly TimeSpan Converge = TimeSpan.FromSeconds(15);

    protected FarmHarness Farm { get; } = new(lighthouses: lighthouses);

    protected LoopbackHttpServer Server { get; } = new();

    protected ITestOutputHelper Output { get; } = output;

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        try
        {
            foreach (var member in Farm.Lighthouses.Concat(Farm.Nodes).OfType<MemberProcess>())
            {
                Output.WriteLine($"--- {member.Name} (pid {member.Pid}) last lines ---{Environment.NewLine}{member.Tail(8)}");
            }
        }
        finally
        {
            await Farm.DisposeAsync();
            await Server.DisposeAsync();
        }
    }

    /// <summary>Rewrites node 1's policy file and sends it SIGHUP: a farm-wide apply through the real mechanism.</summary>
    protected async Task ApplyThroughNodeAsync(int node, string policy)
    {
        await File.WriteAllTextAsync(Farm.PolicyFile(node), policy);
        Farm.Node(node).Hangup();
    }

    protected async Task AssertAllowedAsync(int node)
    {
        var result = await Curl.GetThroughAsync(Farm.SocksProxy(node), Server.Url);
        Assert.True(result.ExitCode == 0 && result.Body == LoopbackHttpServer.Body, $"node {node}: curl exit {result.ExitCode}: {result.Error}");
    }

    protected async Task AssertRefusedAsync(int node)
    {
        var result = await Curl.GetThroughAsync(Farm.SocksProxy(node), Server.Url);
        Assert.True(result.ExitCode == Curl.ProxyRefused, $"node {node}: curl exit {result.ExitCode}: {result.Error}");
        Assert.Equal(0x02, await Socks5Probe.ConnectReplyAsync(Farm.SocksAddress(node), Farm.SocksPort(node), Server.Endpoint));
    }

    /// <summary>Waits until every running node logs that it enforces at least <paramref name="version"/>; returns when the last did.</summary>
    protected async Task<TimeSpan> WaitAllNodesEnforceAsync(long version, int from = 0, params int[] nodes)
    {
        var targets = nodes.Length > 0 ? nodes : [.. Enumerable.Range(1, FarmHarness.NodeCount)];
        var seen = await Task.WhenAll(targets.Select(n => Farm.Node(n).WaitForPolicyAsync(version, Converge, n == targets[0] ? from : 0)));
        Assert.All(seen, s => Assert.Equal(version, s.Version));
        return seen.Max(s => s.Line.At);
    }
}
