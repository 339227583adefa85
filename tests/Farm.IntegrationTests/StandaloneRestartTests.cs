using System.Net;
using Farm.IntegrationTests.Support;
using Farm.Shared.Cluster.Tls;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// Outsider review att16d F2: a standalone node (no seeds, no certificates) restarted on its state directory
/// refused every client, since its private signing key was new at each start and its stored version was
/// no longer trusted. The real node process is reloaded to version 2 by SIGHUP, stopped and started again
/// on the same directory: it enforces version 2, passes what version 2 passes, refuses what it refuses, and is ready.
/// </summary>
public sealed class StandaloneRestartTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    // Version 2 (FarmPolicies.Allow) blocks the farm's own ports to everyone.
    private static readonly IPEndPoint Blocked = new(IPAddress.Loopback, 9110);

    [Fact]
    public async Task StandaloneNode_RestartedOnItsState_EnforcesItsStoredVersion()
    {
        var node = await Farm.StartStandaloneNodeAsync(1, FarmPolicies.Block(Server.Endpoint.Port));
        await AssertRefusedAsync(1);

        await ApplyThroughNodeAsync(1, FarmPolicies.Allow(Server.Endpoint.Port, revision: 2));
        await node.WaitForPolicyAsync(2, Converge);
        await AssertAllowedAsync(1);

        await node.StopAsync();
        Assert.True(node.HasExited, "node1 did not stop");
        var identity = Path.Combine(Farm.DataDirectory("node1"), StandaloneIdentity.FileName);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(identity));
        }

        var restarted = await Farm.RestartStandaloneNodeAsync(1, 2);
        Assert.Equal(2, restarted.LatestPolicyVersion());
        await AssertAllowedAsync(1);
        Assert.Equal(0x02, await Socks5Probe.ConnectReplyAsync(Farm.SocksAddress(1), Farm.SocksPort(1), Blocked));
        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync());
        Assert.False(restarted.HasLine(t => t.Contains("not enforced", StringComparison.Ordinal)), "node1 refused its stored version");
    }

    private async Task<HttpStatusCode> ReadinessAsync()
    {
        using var http = new HttpClient();
        var deadline = Farm.Clock.Elapsed + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var response = await http.GetAsync(new Uri($"{Farm.TelemetryUrl("node1")}/healthz/ready"));
            if (response.StatusCode == HttpStatusCode.OK || Farm.Clock.Elapsed > deadline)
            {
                return response.StatusCode;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }
}
