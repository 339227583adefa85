using System.Diagnostics;
using System.Globalization;
using Farm.ChaosTests.Traffic;
using Farm.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Farm.ChaosTests;

/// <summary>
/// Faults under load: a farm of two lighthouses and three nodes carries continuous verified traffic
/// (every session a paced transfer checked byte by byte and by SHA-256) through every node, and a
/// refused destination is asked for through every node all along, while one fault strikes. Each
/// scenario asserts no corrupted session, sessions lost only on a killed process, no refused request
/// passed, and prints how long the farm took to recover.
/// </summary>
public sealed class ChaosTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string FarmName = "socks.farm.test";

    private static readonly int[] AllNodes = [1, 2, 3];

    private static readonly TimeSpan Recover = TimeSpan.FromSeconds(30);

    // Longer than the farm takes to down the silent node (heartbeat pause 2 s, StableAfter 3 s): it comes back by rejoining.
    private static readonly TimeSpan Frozen = TimeSpan.FromSeconds(30);

    private readonly FarmHarness _farm = new(lighthouses: 2);

    // 192 KiB in 16 KiB chunks every 60 ms: each session lasts about 0.7 s, so every node always has one under way.
    private readonly PacedSource _source = new(192 << 10, 16 << 10, TimeSpan.FromMilliseconds(60));

    private readonly ForbiddenProbe _forbidden = new();

    private VerifiedTraffic? _traffic;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var member in _farm.Lighthouses.Concat(_farm.Nodes).OfType<MemberProcess>())
            {
                output.WriteLine($"--- {member.Name} (pid {member.Pid}) last lines ---{Environment.NewLine}{member.Tail(6)}");
            }
        }
        finally
        {
            await _farm.DisposeAsync();
            if (_traffic is not null)
            {
                await _traffic.StopAsync();
            }

            await _forbidden.DisposeAsync();
            await _source.DisposeAsync();
        }
    }

    [Fact]
    public async Task NodeKilled_OnlyItsOpenSessionsAreLost_AndDnsListsTheLiveNodes()
    {
        await StartAsync();
        await UnderWayAsync(3);

        var killedAt = _farm.Clock.Elapsed;
        var killed = Stopwatch.StartNew();
        _farm.Node(3).KillHard();
        var recovered = await WaitDnsAsync([1, 2], killed, 1, 2);
        Report("node SIGKILL", $"DNS on both lighthouses lists only the live nodes {Ms(recovered)} ms after the kill");

        await Task.Delay(TimeSpan.FromSeconds(2));
        var results = await FinishAsync("node SIGKILL", killedAt, lossAllowedOn: 3);
        Assert.Contains(results, r => r.Node == 3 && r.Outcome == SessionOutcome.Lost && r.Started < killedAt);
    }

    [Fact]
    public async Task LighthouseKilled_NoSessionIsLost_TheOtherAnswers_AndAnApplySucceeds()
    {
        await StartAsync();

        var killedAt = _farm.Clock.Elapsed;
        var killed = Stopwatch.StartNew();
        _farm.Lighthouse!.KillHard();
        var answering = await WaitDnsAsync(AllNodes, killed, 2);
        var (applied, attempts, _) = await PolicyApply.UntilAppliedAsync(_farm.AdminUrl("node2"), FarmHarness.AdminToken, Policy(1), killed, TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(3), output.WriteLine);
        Report("lighthouse SIGKILL", $"lighthouse 2's DNS lists all nodes {Ms(answering)} ms after the kill; a policy apply through node 2 succeeded {Ms(applied)} ms after it ({attempts} attempts of at most 3 s)");
        foreach (var node in AllNodes)
        {
            await _farm.Node(node).WaitForPolicyAsync(2, Recover);
        }

        await FinishAsync("lighthouse SIGKILL", killedAt);
    }

    [Fact]
    public async Task NodeFrozen_LeavesDns_ItsSessionsResume_AndItReturnsWhenThawed()
    {
        // The farm downs the silent node; thawed, it finds itself removed, detaches (its sessions resume) and
        // rejoins as a new incarnation, back in DNS without a restart.
        await StartAsync();

        var frozenAt = _farm.Clock.Elapsed;
        var frozen = Stopwatch.StartNew();
        _farm.Node(2).Freeze();
        TimeSpan dropped;
        try
        {
            dropped = await WaitDnsAsync([1, 3], frozen, 1, 2);
            await Task.Delay(Frozen - frozen.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
        }
        finally
        {
            _farm.Node(2).Thaw();
        }

        var thawed = Stopwatch.StartNew();
        var back = await WaitDnsAsync(AllNodes, thawed, 1, 2);
        var fresh = await FreshSessionAsync(2, thawed);
        Report("node SIGSTOP", $"frozen {Ms(Frozen)} ms; out of DNS {Ms(dropped)} ms after SIGSTOP; after SIGCONT back in DNS in {Ms(back)} ms, a fresh session through it intact at {Ms(fresh)} ms");

        await FinishAsync("node SIGSTOP", frozenAt);
    }

    [Fact]
    public async Task NodeRestartsFromItsDurableStore_EnforcesTheFarmsPolicy_AndRejoins()
    {
        await StartAsync();
        await PolicyApply.UntilAppliedAsync(_farm.AdminUrl("node1"), FarmHarness.AdminToken, Policy(1), Stopwatch.StartNew(), Recover, TimeSpan.FromSeconds(10), output.WriteLine);
        foreach (var node in AllNodes)
        {
            await _farm.Node(node).WaitForPolicyAsync(2, Recover);
        }

        await UnderWayAsync(1);
        var watching = _farm.Node(2).LineCount;
        var killedAt = _farm.Clock.Elapsed;
        _farm.Node(1).KillHard();

        // Restarted once the farm has removed the killed incarnation: a restart before that failed to join
        // for over a minute in one loaded full-suite run (seeds answered InitJoin, no Welcome followed);
        // that race is an open finding of its own, not what this scenario measures.
        var removed = $"member {_farm.ClusterAddress(1)} [socks] is Removed";
        await _farm.Node(2).WaitForLineAsync(line => line.Contains(removed, StringComparison.Ordinal), Recover, watching);
        var restartedAt = _farm.Clock.Elapsed;
        var restarted = Stopwatch.StartNew();
        var node1 = _farm.StartNode(1);
        var (version, line) = await node1.WaitForPolicyAsync(2, Recover);
        var enforcing = line.At - restartedAt;
        await FarmHarness.WaitMemberReadyAsync(node1, _farm.ClusterAddress(1));
        var back = await WaitDnsAsync(AllNodes, restarted, 1, 2);
        var fresh = await FreshSessionAsync(1, restarted);
        Report("node restart", $"restarted node 1 enforces version {version} {Ms(enforcing)} ms after its start, is back in DNS at {Ms(back)} ms, a fresh session through it intact at {Ms(fresh)} ms");

        await FinishAsync("node restart", killedAt, lossAllowedOn: 1);
    }

    private string Policy(int revision) =>
        $"""
        # chaos revision {revision}
        client pass from 127.0.0.0/8 name loopback-clients
        block connect to 127.0.0.1 port {_forbidden.Endpoint.Port} name chaos-forbidden
        pass connect from 127.0.0.0/8 to 127.0.0.1 port {_source.Endpoint.Port} name chaos-source
        """ + "\n";

    /// <summary>Starts the farm, the traffic and the refused requests; returns once every node has carried a session intact.</summary>
    private async Task StartAsync()
    {
        await _farm.StartAllAsync(Policy(0));
        await WaitDnsAsync(AllNodes, Stopwatch.StartNew(), 1, 2);
        _traffic = new VerifiedTraffic(_farm, _source, _farm.Clock);
        _traffic.Start(AllNodes);
        _forbidden.Start(_farm, AllNodes);
        var warming = Stopwatch.StartNew();
        while (AllNodes.Any(n => _traffic.Completed(n) == 0))
        {
            Assert.True(warming.Elapsed < Recover, "not every node carried a session intact before the fault");
            await Task.Delay(100);
        }
    }

    /// <summary>Stops the traffic and asserts what every scenario must hold; prints the session tally.</summary>
    /// <param name="faultAt">When the fault struck, on the farm's clock: a lost session must have been under way then.</param>
    /// <param name="lossAllowedOn">The killed node, whose open sessions die with it; none elsewhere.</param>
    private async Task<IReadOnlyList<SessionResult>> FinishAsync(string scenario, TimeSpan faultAt, int? lossAllowedOn = null)
    {
        var results = await _traffic!.StopAsync();
        await _forbidden.StopAsync();
        foreach (var node in AllNodes)
        {
            var mine = results.Where(r => r.Node == node).ToList();
            Report(scenario, $"node {node}: {Count(mine, SessionOutcome.Intact)} intact, {Count(mine, SessionOutcome.Lost)} lost, {Count(mine, SessionOutcome.Corrupted)} corrupted, {Count(mine, SessionOutcome.Unavailable)} not served");
        }

        Report(scenario, $"refused destination: {_forbidden.Refused} refused, {_forbidden.Passed} passed, {_forbidden.Reached} connections reached it");
        var corrupted = results.Where(r => r.Outcome == SessionOutcome.Corrupted).ToList();
        Assert.True(corrupted.Count == 0, $"corrupted sessions: {string.Join("; ", corrupted)}");
        var wronglyLost = results.Where(r => r.Outcome == SessionOutcome.Lost && (r.Node != lossAllowedOn || r.Started > faultAt)).ToList();
        Assert.True(wronglyLost.Count == 0, $"sessions lost that were not open on a killed process: {string.Join("; ", wronglyLost)}");
        Assert.All(AllNodes, node => Assert.True(results.Count(r => r.Node == node && r.Outcome == SessionOutcome.Intact && r.Started > faultAt) > 0 || node == lossAllowedOn, $"node {node} carried no session intact after the fault"));
        Assert.Equal(0, _forbidden.Passed);
        Assert.Equal(0, _forbidden.Reached);
        Assert.True(_forbidden.Refused > 0, "no request for the refused destination was answered: the check proves nothing");
        return results;
    }

    /// <summary>Returns once a session through <paramref name="node"/> is under way, not yet half done: the fault then strikes one in flight.</summary>
    private async Task UnderWayAsync(int node)
    {
        var waiting = Stopwatch.StartNew();
        while (_traffic!.UnderWay(node) is var received && (received == 0 || received > _source.Length / 2))
        {
            Assert.True(waiting.Elapsed < Recover, $"no session through node {node} got under way");
            await Task.Delay(10);
        }
    }

    /// <summary>Polls the farm name on each of <paramref name="lighthouses"/> until it lists exactly <paramref name="nodes"/>; the time since <paramref name="since"/> started.</summary>
    private async Task<TimeSpan> WaitDnsAsync(int[] nodes, Stopwatch since, params int[] lighthouses)
    {
        var expected = nodes.Select(_farm.SocksAddress).Order().ToArray();
        foreach (var lighthouse in lighthouses)
        {
            string[] answer;
            while (!(answer = await AnswerAsync(lighthouse)).SequenceEqual(expected))
            {
                Assert.True(since.Elapsed < Recover, $"lighthouse {lighthouse}'s DNS never listed {string.Join(' ', expected)}; last: {string.Join(' ', answer)}");
                await Task.Delay(50);
            }
        }

        return since.Elapsed;
    }

    /// <summary>The farm name's addresses from one lighthouse, sorted; a query that got no answer in time (a loaded machine) counts as an answer to poll again.</summary>
    private async Task<string[]> AnswerAsync(int lighthouse)
    {
        try
        {
            return [.. (await Dig.ShortAsync(_farm.DnsAddressOf(lighthouse), _farm.DnsPortOf(lighthouse), FarmName, "A")).Order()];
        }
        catch (InvalidOperationException e)
        {
            return [e.Message];
        }
    }

    /// <summary>Starts verified sessions through <paramref name="node"/> until one is intact; the time since <paramref name="since"/> started.</summary>
    private async Task<TimeSpan> FreshSessionAsync(int node, Stopwatch since)
    {
        while (true)
        {
            var (outcome, _, error) = await VerifiedSession.RunAsync(_farm.SocksAddress(node), _farm.SocksPort(node), _source, VerifiedTraffic.SessionTimeout);
            if (outcome == SessionOutcome.Intact)
            {
                return since.Elapsed;
            }

            Assert.True(outcome != SessionOutcome.Corrupted, $"a fresh session through node {node} was corrupted: {error}");
            Assert.True(since.Elapsed < Recover, $"no fresh session through node {node} was intact; last: {outcome} {error}");
            await Task.Delay(100);
        }
    }

    private void Report(string scenario, string figure) => output.WriteLine($"[{scenario}] {figure}");

    private static int Count(List<SessionResult> results, SessionOutcome outcome) => results.Count(r => r.Outcome == outcome);

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture);
}
