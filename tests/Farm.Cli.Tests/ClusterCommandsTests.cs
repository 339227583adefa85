using System.Text.Json;
using System.Text.RegularExpressions;
using Farm.Cli.Tests.Support;

namespace Farm.Cli.Tests;

/// <summary>The cluster palette against two real lighthouse processes, the second seeded by the first.</summary>
public sealed partial class ClusterCommandsTests : IAsyncLifetime
{
    private LighthouseProcess _seed = null!;
    private LighthouseProcess _second = null!;

    public async Task InitializeAsync()
    {
        _seed = LighthouseProcess.Start();
        _second = LighthouseProcess.Start(seed: _seed.Address);
        var show = await ShowUntilAsync(_seed, r => r.Output.Contains("Count: 2 nodes", StringComparison.Ordinal) && !r.Output.Contains("| joining |", StringComparison.Ordinal));
        Assert.True(show.Output.Contains("Count: 2 nodes", StringComparison.Ordinal), show.Output + show.Error);
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _seed.DisposeAsync();
    }

    [Fact]
    public async Task ClusterShow_TwoMembers_PbmRowsAndCount()
    {
        var show = await Farmctl.RunAsync(_seed.Admin, "cluster", "show");

        Assert.Equal(0, show.ExitCode);
        Assert.Equal(3, show.Lines.Length);
        Assert.All(show.Lines[..2], line => Assert.Matches(RowPattern(), line));
        Assert.Contains(show.Lines, l => l.StartsWith(_seed.Address + " |", StringComparison.Ordinal));
        Assert.Contains(show.Lines, l => l.StartsWith(_second.Address + " |", StringComparison.Ordinal));
        Assert.Equal("Count: 2 nodes", show.Lines[2]);

        var json = await Farmctl.RunAsync(_seed.Admin, "cluster", "show", "--json");
        Assert.Equal(2, JsonDocument.Parse(json.Output).RootElement.GetProperty("members").GetArrayLength());

        var status = await Farmctl.RunAsync(_second.Admin, "cluster", "status");
        Assert.Equal($"{_second.Address} | [lighthouse] | up | False", status.Lines.Single());

        var leader = await Farmctl.RunAsync(_second.Admin, "cluster", "leader");
        Assert.StartsWith("akka.tcp://farm@127.0.0.1:", leader.Lines.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterLeave_ConnectedMember_IsGoneFromTheOthersView()
    {
        var leave = await Farmctl.RunAsync(_second.Admin, "cluster", "leave");

        Assert.Equal(0, leave.ExitCode);
        Assert.Contains("is leaving", leave.Output, StringComparison.Ordinal);
        var show = await ShowUntilAsync(_seed, r => r.Output.Contains("Count: 1 nodes", StringComparison.Ordinal));
        Assert.DoesNotContain(_second.Address, show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterDown_OtherMember_IsRemoved()
    {
        var down = await Farmctl.RunAsync(_seed.Admin, "cluster", "down", _second.Address);

        Assert.Equal(0, down.ExitCode);
        var show = await ShowUntilAsync(_seed, r => r.Output.Contains("Count: 1 nodes", StringComparison.Ordinal));
        Assert.DoesNotContain(_second.Address, show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterDown_NotAMember_ExitOneWithMessage()
    {
        var down = await Farmctl.RunAsync(_seed.Admin, "cluster", "down", "akka.tcp://farm@127.0.0.1:1");

        Assert.Equal(1, down.ExitCode);
        Assert.Contains("is not a member", down.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterTail_StreamsMembershipEvents_UntilStopped()
    {
        using var tail = Farmctl.Start([_seed.Admin, "cluster", "tail"]);
        try
        {
            var lines = new List<string>();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (lines.Count(l => l.Contains("member-up", StringComparison.Ordinal)) < 2
                && await tail.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                lines.Add(line);
            }

            Assert.Contains(lines, l => l.Contains($"member-up {_second.Address} [lighthouse]", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains($"member-up {_seed.Address} [lighthouse]", StringComparison.Ordinal));
        }
        finally
        {
            tail.Kill(entireProcessTree: true);
            await tail.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task ClusterDownUnreachable_KilledMember_IsRemoved()
    {
        _second.Kill();
        var unreachable = await ShowUntilAsync(_seed, r => r.Output.Contains("| True", StringComparison.Ordinal), TimeSpan.FromSeconds(40));
        Assert.Contains($"{_second.Address} | [lighthouse] | up | True", unreachable.Output, StringComparison.Ordinal);

        var down = await Farmctl.RunAsync(_seed.Admin, "cluster", "down-unreachable");

        Assert.Equal(0, down.ExitCode);
        Assert.Contains(_second.Address, down.Output, StringComparison.Ordinal);
        var show = await ShowUntilAsync(_seed, r => r.Output.Contains("Count: 1 nodes", StringComparison.Ordinal));
        Assert.Contains("Count: 1 nodes", show.Output, StringComparison.Ordinal);
    }

    private static Task<Farmctl.Result> ShowUntilAsync(LighthouseProcess member, Func<Farmctl.Result, bool> done, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => Farmctl.RunAsync(member.Admin, "cluster", "show"), done, timeout ?? TimeSpan.FromSeconds(30));

    [GeneratedRegex(@"^akka\.tcp://farm@127\.0\.0\.1:\d+ \| \[lighthouse\] \| up \| False$")]
    private static partial Regex RowPattern();
}
