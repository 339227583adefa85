using System.Text.Json;
using System.Text.RegularExpressions;
using Farm.Cli.Tests.Support;

namespace Farm.Cli.Tests;

/// <summary>The cluster palette against two real lighthouse processes, the second seeded by the first (no SOCKS nodes).</summary>
public sealed partial class ClusterCommandsTests : IAsyncLifetime
{
    private TestFarm _farm = null!;

    private MemberProcess Seed => _farm.Members[0];

    private MemberProcess Second => _farm.Members[1];

    public async Task InitializeAsync() => _farm = await TestFarm.StartAsync(lighthouses: 2, nodes: 0);

    public async Task DisposeAsync() => await _farm.DisposeAsync();

    [Fact]
    public async Task ClusterShow_TwoMembers_PbmRowsWithAppVersionSelfAndLeader()
    {
        var show = await Farmctl.RunAsync(Seed.Admin, "cluster", "show");

        Assert.Equal(0, show.ExitCode);
        Assert.Equal(3, show.Lines.Length);
        var rows = show.Lines[..2].Select(line => RowPattern().Match(line)).ToList();
        Assert.All(rows, row => Assert.True(row.Success, $"not a pbm row: {row.Value}"));
        Assert.All(rows, row => Assert.Equal(LighthouseVersion, row.Groups["version"].Value));
        Assert.Contains(show.Lines, l => l.StartsWith(Seed.Address + " |", StringComparison.Ordinal));
        Assert.Contains(show.Lines, l => l.StartsWith(Second.Address + " |", StringComparison.Ordinal));
        Assert.Equal("Count: 2 nodes", show.Lines[2]);

        // The row of the member farmctl asked is marked self; exactly one row, the leader's, is marked leader.
        var seedRow = rows.Single(r => r.Groups["address"].Value == Seed.Address);
        Assert.Contains("self", seedRow.Groups["marks"].Value, StringComparison.Ordinal);
        Assert.DoesNotContain("self", rows.Single(r => r != seedRow).Groups["marks"].Value, StringComparison.Ordinal);
        var leaderRow = Assert.Single(rows, r => r.Groups["marks"].Value.Contains("leader", StringComparison.Ordinal));
        var leader = await Farmctl.RunAsync(Second.Admin, "cluster", "leader");
        Assert.StartsWith("akka.ssl.tcp://farm@127.0.0.1:", leader.Lines.Single(), StringComparison.Ordinal);
        Assert.Equal(leader.Lines.Single(), leaderRow.Groups["address"].Value);

        var json = await Farmctl.RunAsync(Seed.Admin, "cluster", "show", "--json");
        var members = JsonDocument.Parse(json.Output).RootElement.GetProperty("members");
        Assert.Equal(2, members.GetArrayLength());
        Assert.All(members.EnumerateArray(), m => Assert.Equal(LighthouseVersion, m.GetProperty("app_version").GetString()));

        // The farm formed as the seed sees it; the second member learns that it is up by gossip, a moment later.
        var expected = $"{Second.Address} | [lighthouse] | up | False | {LighthouseVersion} | self";
        var status = await Eventually.UntilAsync(
            () => Farmctl.RunAsync(Second.Admin, "cluster", "status"),
            r => r.Lines.Length == 1 && r.Lines[0].StartsWith(expected, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        Assert.Equal(leaderRow == seedRow ? expected : expected + ", leader", status.Lines.Single());
    }

    [Fact]
    public async Task ClusterLeave_ConnectedMember_IsGoneFromTheOthersView()
    {
        var leave = await Farmctl.RunAsync(Second.Admin, "cluster", "leave");

        Assert.Equal(0, leave.ExitCode);
        Assert.Contains("is leaving", leave.Output, StringComparison.Ordinal);
        var show = await ShowUntilAsync(Seed, r => r.Output.Contains("Count: 1 nodes", StringComparison.Ordinal));
        Assert.DoesNotContain(Second.Address, show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterDown_OtherMember_IsRemoved()
    {
        var down = await Farmctl.RunAsync(Seed.Admin, "cluster", "down", Second.Address);

        Assert.Equal(0, down.ExitCode);
        var show = await ShowUntilAsync(Seed, r => r.Output.Contains("Count: 1 nodes", StringComparison.Ordinal));
        Assert.DoesNotContain(Second.Address, show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterDown_NotAMember_ExitOneWithMessage()
    {
        var down = await Farmctl.RunAsync(Seed.Admin, "cluster", "down", "akka.tcp://farm@127.0.0.1:1");

        Assert.Equal(1, down.ExitCode);
        Assert.Contains("is not a member", down.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterTail_StreamsMembershipEvents_UntilStopped()
    {
        var tail = Farmctl.Start([Seed.Admin, "cluster", "tail"]);
        try
        {
            var lines = new List<string>();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (lines.Count(l => l.Contains("member-up", StringComparison.Ordinal)) < 2
                && await tail.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                lines.Add(line);
            }

            Assert.Contains(lines, l => l.Contains($"member-up {Second.Address} [lighthouse]", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains($"member-up {Seed.Address} [lighthouse]", StringComparison.Ordinal));
        }
        finally
        {
            await StartedProcesses.StopAsync(tail);
        }
    }

    [Fact]
    public async Task ClusterDownUnreachable_KilledMember_IsRemoved()
    {
        Second.Kill();
        var unreachable = await ShowUntilAsync(Seed, r => r.Output.Contains("| True", StringComparison.Ordinal), TimeSpan.FromSeconds(40));
        Assert.Contains($"{Second.Address} | [lighthouse] | up | True", unreachable.Output, StringComparison.Ordinal);

        var down = await Farmctl.RunAsync(Seed.Admin, "cluster", "down-unreachable");

        Assert.Equal(0, down.ExitCode);
        Assert.Contains(Second.Address, down.Output, StringComparison.Ordinal);
        var show = await ShowUntilAsync(Seed, r => r.Output.Contains("Count: 1 nodes", StringComparison.Ordinal));
        Assert.Contains("Count: 1 nodes", show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientConfig_NoSocksMembers_ExitOneAsksForTheFarmName()
    {
        var result = await Farmctl.RunAsync(Seed.Admin, "client-config", "--format", "pac");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no live socks member advertises a SOCKS endpoint; give --farm-name or --nodes", result.Error, StringComparison.Ordinal);
    }

    private static Task<Farmctl.Result> ShowUntilAsync(MemberProcess member, Func<Farmctl.Result, bool> done, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => Farmctl.RunAsync(member.Admin, "cluster", "show"), done, timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>The version Akka gossips for a member: its executable's assembly version, major.minor.build (app-version = assembly-version).</summary>
    private static string LighthouseVersion => System.Reflection.AssemblyName.GetAssemblyName(Built.Lighthouse).Version!.ToString(3);

    [GeneratedRegex(@"^(?<address>akka\.ssl\.tcp://farm@127\.0\.0\.1:\d+) \| \[lighthouse\] \| up \| False \| (?<version>[^ |]+) \| (?<marks>self, leader|self|leader|-)$")]
    private static partial Regex RowPattern();
}
