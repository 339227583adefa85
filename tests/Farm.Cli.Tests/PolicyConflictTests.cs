using System.Globalization;
using System.Text.Json;
using Farm.Cli.Tests.Support;

namespace Farm.Cli.Tests;

/// <summary>
/// Two operators apply at once on two different members of a real farm (a lighthouse and two node
/// processes): the farm takes exactly one write per version, the other operator is told "conflict" and
/// exits 1, and no apply is lost silently.
/// </summary>
public sealed class PolicyConflictTests : IAsyncLifetime
{
    private const int Rounds = 10;
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(15);

    private TestFarm _farm = null!;
    private readonly List<string> _files = [];

    public async Task InitializeAsync() => _farm = await TestFarm.StartAsync(lighthouses: 1, nodes: 2);

    public async Task DisposeAsync()
    {
        await _farm.DisposeAsync();
        foreach (var file in _files)
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ConcurrentApplies_OnTwoMembers_ExactlyOneApplied_TheOtherConflicts_EveryMemberOnTheWinnersText()
    {
        var nodes = _farm.Nodes.ToArray();
        for (var round = 1; round <= Rounds; round++)
        {
            var current = (await ShowAsync(nodes[0])).Version;
            var texts = new[] { Policy(round, "a"), Policy(round, "b") };
            var files = await Task.WhenAll(texts.Select(WriteAsync));
            var expect = current.ToString(CultureInfo.InvariantCulture);

            var results = await Task.WhenAll(
                Farmctl.RunAsync(nodes[0].Admin, "policy", "apply", files[0], "--expect", expect),
                Farmctl.RunAsync(nodes[1].Admin, "policy", "apply", files[1], "--expect", expect));

            var next = current + 1;
            var detail = $"round {round}: " + string.Join(" | ", results.Select(r => $"exit {r.ExitCode}: {r.Output.Trim()} {r.Error.Trim()}"));
            Assert.True(results.Count(r => r.ExitCode == 0) == 1, detail);
            var winner = Array.FindIndex(results, r => r.ExitCode == 0);
            var loser = results[1 - winner];
            Assert.Matches($@"^applied version {next} \([23] of 3 members enforce it\)$", results[winner].Output.Trim());
            Assert.Equal(1, loser.ExitCode);
            Assert.Contains($"conflict: version {next} was written by {nodes[winner].Address}", loser.Error, StringComparison.Ordinal);
            Assert.Contains("; re-run", loser.Error, StringComparison.Ordinal);

            foreach (var node in nodes)
            {
                var view = await Eventually.UntilAsync(() => ShowAsync(node), v => v.Version == next, Converge);
                Assert.Equal(next, view.Version);
                Assert.Equal(texts[winner], view.Text);
            }
        }

        var status = await Farmctl.RunAsync(nodes[1].Admin, "policy", "status");
        Assert.Equal(0, status.ExitCode);
        Assert.Equal($"converged on version {(await ShowAsync(nodes[0])).Version} (replicated)", status.Lines[^1]);
    }

    [Fact]
    public async Task ApplyWithoutExpect_ReplacesTheMembersVersion_StaleExpectConflicts()
    {
        var node = _farm.Nodes.First();
        var current = (await ShowAsync(node)).Version;
        var file = await WriteAsync(Policy(0, "fresh"));

        var applied = await Farmctl.RunAsync(node.Admin, "policy", "apply", file);
        var stale = await Farmctl.RunAsync(node.Admin, "policy", "apply", file, "--expect", current.ToString(CultureInfo.InvariantCulture));
        var rollback = await Farmctl.RunAsync(node.Admin, "policy", "rollback", "--expect", current.ToString(CultureInfo.InvariantCulture));
        var garbage = await Farmctl.RunAsync(node.Admin, "policy", "apply", file, "--expect", "-1");

        Assert.True(applied.ExitCode == 0, applied.Error);
        Assert.Matches($@"^applied version {current + 1} \([23] of 3 members enforce it\)$", applied.Output.Trim());
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains($"farmctl: conflict: version {current + 1} was written by {node.Address}", stale.Error, StringComparison.Ordinal);
        Assert.Equal(1, rollback.ExitCode);
        Assert.Contains($"conflict: version {current + 1}", rollback.Error, StringComparison.Ordinal);
        Assert.Equal(2, garbage.ExitCode);
        Assert.Contains("--expect: '-1' is not a version number", garbage.Error, StringComparison.Ordinal);
        Assert.Equal(current + 1, (await ShowAsync(node)).Version);
    }

    private static string Policy(int round, string writer) =>
        $"client pass from 10.0.0.0/8 name round-{round}-{writer}\npass connect to any name outbound\n";

    private static async Task<(long Version, string Text)> ShowAsync(MemberProcess node)
    {
        var show = await Farmctl.RunAsync(node.Admin, "policy", "show", "--json");
        Assert.True(show.ExitCode == 0, show.Error);
        var json = JsonDocument.Parse(show.Output).RootElement;
        return (json.GetProperty("version").GetInt64(), json.GetProperty("text").GetString()!);
    }

    private async Task<string> WriteAsync(string text)
    {
        var file = Path.GetTempFileName();
        _files.Add(file);
        await File.WriteAllTextAsync(file, text);
        return file;
    }
}
