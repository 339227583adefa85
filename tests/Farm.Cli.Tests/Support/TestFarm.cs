namespace Farm.Cli.Tests.Support;

/// <summary>
/// A farm of real member processes: a seed lighthouse, optional further lighthouses and SOCKS nodes
/// seeded by it. It owns every process it starts; disposing it (or a failed start) kills them all.
/// </summary>
public sealed class TestFarm : IAsyncDisposable
{
    private static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(40);

    private readonly List<MemberProcess> _members = [];

    private TestFarm()
    {
    }

    public MemberProcess Seed => _members[0];

    public IReadOnlyList<MemberProcess> Members => _members;

    public IEnumerable<MemberProcess> Nodes => _members.Where(m => m.Socks is not null);

    /// <summary>Starts the members and returns once the seed shows all of them up.</summary>
    /// <param name="nodeHosts">Per node, the loopback address its remoting advertises; 127.0.0.1 for the rest.</param>
    public static async Task<TestFarm> StartAsync(int lighthouses, int nodes, string? token = null, IReadOnlyList<string>? nodeHosts = null)
    {
        var farm = new TestFarm();
        try
        {
            var seed = farm.Add(MemberProcess.StartLighthouse("lighthouse1", token: token));
            for (var i = 2; i <= lighthouses; i++)
            {
                farm.Add(MemberProcess.StartLighthouse($"lighthouse{i}", seed.Address, token));
            }

            for (var i = 1; i <= nodes; i++)
            {
                farm.Add(MemberProcess.StartNode($"node{i}", seed.Address, nodeHosts?.ElementAtOrDefault(i - 1) ?? "127.0.0.1"));
            }

            var expected = $"Count: {lighthouses + nodes} nodes";
            var show = await Eventually.UntilAsync(
                () => Farmctl.RunAsync([seed.Admin, "cluster", "show", .. TokenArguments(token)], null),
                r => r.Output.Contains(expected, StringComparison.Ordinal) && r.Lines.SkipLast(1).All(l => l.Contains("| up | False", StringComparison.Ordinal)),
                FormTimeout);
            if (!show.Output.Contains(expected, StringComparison.Ordinal))
            {
                throw new TimeoutException($"the farm did not form ({expected}): {show.Output}{show.Error}{farm.Tails()}");
            }

            // Writes replace the version a node enforces: the farm is ready once every member is on the seed.
            if (nodes > 0)
            {
                var status = await Eventually.UntilAsync(
                    () => Farmctl.RunAsync([farm.Nodes.First().Admin, "policy", "status", .. TokenArguments(token)], null),
                    r => r.ExitCode == 0,
                    FormTimeout);
                if (status.ExitCode != 0)
                {
                    throw new TimeoutException($"the farm's policy did not converge: {status.Output}{status.Error}{farm.Tails()}");
                }
            }

            return farm;
        }
        catch
        {
            await farm.DisposeAsync();
            throw;
        }
    }

    public string Tails() =>
        string.Concat(_members.Select(m => $"{Environment.NewLine}--- {m.Name} ---{Environment.NewLine}{m.Tail(10)}"));

    public async ValueTask DisposeAsync()
    {
        var stops = _members.Select(m => m.DisposeAsync().AsTask()).ToArray();
        _members.Clear();
        await Task.WhenAll(stops);
    }

    private static string[] TokenArguments(string? token) => token is null ? [] : ["--token", token];

    private MemberProcess Add(MemberProcess member)
    {
        _members.Add(member);
        return member;
    }
}
