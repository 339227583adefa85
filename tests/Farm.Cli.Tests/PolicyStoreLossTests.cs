using System.Text.Json;
using Farm.Cli.Tests.Support;

namespace Farm.Cli.Tests;

/// <summary>
/// A lighthouse whose data directory was lost comes back alone and seeds its own version 1; the nodes,
/// restarted with their stores, bring the farm's real policy back. The seed must not become the version
/// every later apply has to replace: an apply afterwards succeeds and every member enforces it.
/// </summary>
public sealed class PolicyStoreLossTests : IAsyncLifetime
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(40);

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
    public async Task LighthouseRestartedWithAnEmptyStore_DoesNotPinTheFarm_AnApplyAfterwardsIsEnforcedEverywhere()
    {
        var lighthouse = _farm.Seed;
        var nodes = _farm.Nodes.ToArray();
        var before = await WriteAsync("client pass from 10.0.0.0/8 name before-loss\npass connect to any name outbound\n");
        var applied = await Farmctl.RunAsync(nodes[0].Admin, "policy", "apply", before);
        Assert.True(applied.ExitCode == 0, applied.Error);
        var version = (await ShowAsync(nodes[0])).Version;
        foreach (var node in nodes)
        {
            Assert.Equal(version, (await Eventually.UntilAsync(() => ShowAsync(node), v => v.Version == version, Converge)).Version);
        }

        // Alone, the lighthouse's majority read finds no policy: it seeds, as a fresh farm's would.
        await lighthouse.RestartAsync(wipeData: true);
        var seeded = await Eventually.UntilAsync(() => Task.FromResult(lighthouse.Said("Seeded the farm's policy")), said => said, Converge);
        Assert.True(seeded, "the restarted lighthouse did not seed:" + _farm.Tails());
        foreach (var node in nodes)
        {
            await node.RestartAsync(wipeData: false);
        }

        var formed = await Eventually.UntilAsync(
            () => Farmctl.RunAsync(lighthouse.Admin, "cluster", "show"),
            r => r.Output.Contains("Count: 3 nodes", StringComparison.Ordinal) && r.Lines.SkipLast(1).All(l => l.Contains("| up | False", StringComparison.Ordinal)),
            Converge);
        Assert.True(formed.Output.Contains("Count: 3 nodes", StringComparison.Ordinal), formed.Output + formed.Error + _farm.Tails());

        var text = "client pass from 10.0.0.0/8 name after-loss\npass connect to any name outbound\n";
        var after = await WriteAsync(text);
        var reapplied = await Eventually.UntilAsync(
            () => Farmctl.RunAsync(nodes[1].Admin, "policy", "apply", after),
            r => r.ExitCode == 0 || r.Error.Contains("conflict", StringComparison.Ordinal),
            Converge);

        Assert.True(reapplied.ExitCode == 0, $"exit {reapplied.ExitCode}: {reapplied.Output}{reapplied.Error}{_farm.Tails()}");
        Assert.Matches($@"^applied version {version + 1} \([23] of 3 members enforce it\)$", reapplied.Output.Trim());
        foreach (var node in nodes)
        {
            var view = await Eventually.UntilAsync(() => ShowAsync(node), v => v.Version == version + 1, Converge);
            Assert.Equal((version + 1, text), view);
        }

        var status = await Eventually.UntilAsync(() => Farmctl.RunAsync(nodes[0].Admin, "policy", "status"), r => r.ExitCode == 0, Converge);
        Assert.Equal($"converged on version {version + 1} (replicated)", status.Lines[^1]);
    }

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
