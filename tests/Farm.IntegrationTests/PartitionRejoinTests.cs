using System.Diagnostics;
using System.Net;
using Farm.IntegrationTests.Support;
using Farm.Tests.Shared;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// A node whose cluster traffic is cut off longer than the split-brain resolver's StableAfter: each member in
/// its own network namespace on one bridge, and in the node's namespace a packet filter drops the remoting port
/// (4053, every member's) while its SOCKS listener and its clients' traffic pass. The node downs itself as the
/// minority and detaches; its paced download completes intact, it serves a new client while cut off, and once
/// the filter is removed it is Up again as a new incarnation (same PID) within 30 s.
/// </summary>
public sealed class PartitionRejoinTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int RemotingPort = 4053;
    private const string Victim = "socks2";
    private static readonly TimeSpan RejoinLimit = TimeSpan.FromSeconds(30);

    // A subnet of this process (as the compose test's), so that runs cannot collide.
    private static readonly string Subnet = $"10.235.{20 + (Environment.ProcessId % 200)}";

    private static readonly Dictionary<string, int> Hosts = new()
    {
        ["lighthouse"] = 2,
        ["socks1"] = 11,
        [Victim] = 12,
    };

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("farm-partition-");
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, MemberProcess> _members = [];
    private BridgeNetwork? _network;

    public async Task InitializeAsync() => _network = await BridgeNetwork.CreateAsync(Subnet, Hosts);

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var member in _members.Values)
            {
                output.WriteLine($"--- {member.Name} (pid {member.Pid}) last lines ---{Environment.NewLine}{member.Tail(10)}");
                await member.StopAsync();
            }
        }
        finally
        {
            if (_network is not null)
            {
                // Deleting the namespace removes its packet filter too.
                await _network.DisposeAsync();
            }

            _directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task PartitionedNode_KeepsItsDownload_ServesWhileCutOff_AndIsUpAgainWithin30sOfTheHeal_SamePid()
    {
        var network = _network!;
        var self = await network.AddOwnAddressAsync(1);
        var selfAddress = IPAddress.Parse(self);

        // 8 MiB in 64 KiB chunks every 150 ms: about 20 s, longer than detection (2 s) and StableAfter (3 s).
        await using var slow = new PacedSource(8 << 20, 64 << 10, TimeSpan.FromMilliseconds(150), address: selfAddress);
        await using var quick = new PacedSource(256 << 10, 64 << 10, TimeSpan.FromMilliseconds(1), address: selfAddress);
        var policyFile = Path.Combine(_directory.FullName, "farm.policy");
        await File.WriteAllTextAsync(policyFile, $"client pass from {Subnet}.0/24 name bridge\npass connect from {Subnet}.0/24 to {self} name test-host\n");
        var lighthouse = network.Address("lighthouse");
        Start("lighthouse", "Farm.Lighthouse", new() { ["FARM__POLICY__FILE"] = policyFile });
        foreach (var node in (string[])["socks1", Victim])
        {
            Start(node, "Farm.Node", new()
            {
                ["FARM__SOCKS__LISTENERS__0"] = "0.0.0.0:1080",
                ["FARM__CLUSTER__SEEDS__0"] = $"akka.ssl.tcp://farm@{lighthouse}:{RemotingPort}",
                ["FARM__POLICY__FILE"] = policyFile,
            });
        }

        foreach (var (host, member) in _members)
        {
            await FarmHarness.WaitMemberReadyAsync(member, MemberAddress(host));
        }

        var victim = _members[Victim];
        var pid = victim.Pid;
        var download = new SocksDownload();
        var transfer = download.RunAsync(network.Address(Victim), 1080, slow.Endpoint, TimeSpan.FromSeconds(120));
        var started = Stopwatch.StartNew();
        while (download.Received == 0)
        {
            Assert.False(transfer.IsCompleted, $"the download ended before its first byte: {(transfer.IsCompleted ? (await transfer).Error : null)}");
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), "no byte of the download arrived within 15 s");
            await Task.Delay(20);
        }

        var mark = victim.LineCount;
        var lighthouseMark = _members["lighthouse"].LineCount;
        TimeSpan cutAt, healedAt;
        try
        {
            await FilterRemotingAsync("-A");
            cutAt = _clock.Elapsed;
            var detached = await victim.WaitForLineAsync(t => t.Contains("node detached", StringComparison.Ordinal), TimeSpan.FromSeconds(30), mark);
            await _members["lighthouse"].WaitForLineAsync(t => t.Contains($"member {MemberAddress(Victim)} ", StringComparison.Ordinal) && t.TrimEnd().EndsWith(" is Removed", StringComparison.Ordinal), TimeSpan.FromSeconds(30), lighthouseMark);
            Assert.False(transfer.IsCompleted, $"the download ended before the node detached; the test proves nothing: {(transfer.IsCompleted ? (await transfer).Error : null)}");

            var fresh = await new SocksDownload().RunAsync(network.Address(Victim), 1080, quick.Endpoint, TimeSpan.FromSeconds(20));
            Assert.True(fresh.Error is null && fresh.Sha256 == quick.Sha256, $"a new client through the cut-off node: {fresh.Error} after {fresh.Bytes} bytes");
            output.WriteLine($"cut at {cutAt}, detached at {detached.At}, a new client served at {_clock.Elapsed}");
        }
        finally
        {
            await FilterRemotingAsync("-D");
            healedAt = _clock.Elapsed;
        }

        var rejoined = await victim.WaitForLineAsync(t => t.Contains("rejoined the farm as cluster incarnation", StringComparison.Ordinal), RejoinLimit, mark);
        await FarmHarness.WaitMemberReadyAsync(victim, MemberAddress(Victim), mark);
        var upAgain = _clock.Elapsed;
        output.WriteLine($"healed at {healedAt}, rejoined at {rejoined.At} ({rejoined.Text}), Up and enforcing at {upAgain}: {(upAgain - healedAt).TotalSeconds:0.0} s after the heal, pid {pid} throughout");
        Assert.True(upAgain - healedAt < RejoinLimit, $"Up again {upAgain - healedAt} after the heal");
        Assert.False(victim.HasExited, "the cut-off node's process exited");
        Assert.Equal(pid, victim.Pid);

        var result = await transfer;
        Assert.True(result.Error is null, $"download through the cut-off node broke after {result.Bytes} of {slow.Length} bytes: {result.Error}");
        Assert.Equal(slow.Length, result.Bytes);
        Assert.Equal(slow.Sha256, result.Sha256);
    }

    private string MemberAddress(string host) => $"akka.ssl.tcp://farm@{_network!.Address(host)}:{RemotingPort}";

    /// <summary>Adds (-A) or deletes (-D) the rules that drop the victim's cluster traffic, both ways, in its own namespace.</summary>
    private async Task FilterRemotingAsync(string action)
    {
        foreach (var chain in (string[])["INPUT", "OUTPUT"])
        {
            foreach (var direction in (string[])["--dport", "--sport"])
            {
                var result = await _network!.ExecAsync(Victim, "iptables", action, chain, "-p", "tcp", direction, $"{RemotingPort}", "-j", "DROP");
                Assert.True(result.ExitCode == 0, $"iptables {action} {chain} {direction}: {result.Error}");
            }
        }
    }

    private void Start(string host, string project, Dictionary<string, string> settings)
    {
        // Each member's certificate names the address it advertises in its namespace.
        var environment = new Dictionary<string, string>(TestCertificates.FarmFor($"partition-{host}", [_network!.Address(host), host], "lighthouse", "socks").Environment())
        {
            ["FARM__CLUSTER__HOSTNAME"] = "0.0.0.0",
            ["FARM__CLUSTER__PUBLICHOSTNAME"] = _network!.Address(host),
            ["FARM__CLUSTER__PORT"] = $"{RemotingPort}",
            ["FARM__CLUSTER__DATADIRECTORY"] = Path.Combine(_directory.FullName, host, "ddata"),
            ["FARM__ADMIN__TOKEN"] = FarmHarness.AdminToken,
            ["FARM__SESSIONLOG__NODENAME"] = host,
            ["FARM_STATE_DIR"] = Path.Combine(_directory.FullName, host, "state"),
            ["FARM__CLUSTER__FAILUREDETECTION__HEARTBEATINTERVAL"] = "00:00:00.500",
            ["FARM__CLUSTER__FAILUREDETECTION__ACCEPTABLEHEARTBEATPAUSE"] = "00:00:02",
            ["FARM__CLUSTER__SPLITBRAIN__STABLEAFTER"] = "00:00:03",
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        _members[host] = MemberProcess.Start(host, FarmHarness.Dll(project), environment, _clock, _network.Namespace(host));
    }
}
