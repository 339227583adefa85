using System.Diagnostics;

namespace Farm.IntegrationTests.Support;

/// <summary>
/// A farm of one lighthouse and three nodes, each a real process on loopback: remoting on 127.0.0.1,
/// node SOCKS listeners on 127.0.0.11-13, durable data and policy files in a temp directory. Every
/// process it started is killed by id when it is disposed, whatever the test did.
/// </summary>
public sealed class FarmHarness : IAsyncDisposable
{
    public const int NodeCount = 3;
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(40);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("farm-it-");
    private readonly List<MemberProcess> _started = [];
    private readonly int _lighthousePort = FreePorts.On("127.0.0.1");
    private readonly int[] _nodePorts = [.. Enumerable.Range(0, NodeCount).Select(_ => FreePorts.On("127.0.0.1"))];
    private readonly int[] _socksPorts = [.. Enumerable.Range(1, NodeCount).Select(i => FreePorts.On(NodeAddress(i)))];

    // Index 0 is the lighthouse, 1..NodeCount the nodes.
    private readonly int[] _telemetryPorts = [.. Enumerable.Range(0, NodeCount + 1).Select(_ => FreePorts.On("127.0.0.1"))];

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public MemberProcess? Lighthouse { get; private set; }

    public MemberProcess?[] Nodes { get; } = new MemberProcess?[NodeCount + 1];

    public string LighthouseAddress => $"akka.tcp://farm@127.0.0.1:{_lighthousePort}";

    public static string NodeAddress(int node) => $"127.0.0.{10 + node}";

    public string ClusterAddress(int node) => $"akka.tcp://farm@127.0.0.1:{_nodePorts[node - 1]}";

    public string SocksProxy(int node) => $"{NodeAddress(node)}:{_socksPorts[node - 1]}";

    public int SocksPort(int node) => _socksPorts[node - 1];

    /// <summary>The lighthouse's <c>/metrics</c>, <c>/healthz</c> and service discovery endpoint, <c>host:port</c>.</summary>
    public string LighthouseTelemetry => $"127.0.0.1:{_telemetryPorts[0]}";

    /// <summary>A node's <c>/metrics</c> endpoint, <c>host:port</c>: the instance label Prometheus gives its series.</summary>
    public string Telemetry(int node) => $"127.0.0.1:{_telemetryPorts[node]}";

    public string PolicyFile(int node) => Path.Combine(_directory.FullName, $"node{node}.policy");

    public MemberProcess Node(int node) => Nodes[node] ?? throw new InvalidOperationException($"node {node} is not running");

    /// <summary>Writes every member's policy file, then starts the lighthouse and the nodes together.</summary>
    public async Task StartAllAsync(string policy)
    {
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "lighthouse.policy"), policy);
        for (var i = 1; i <= NodeCount; i++)
        {
            await File.WriteAllTextAsync(PolicyFile(i), policy);
        }

        StartLighthouse();
        for (var i = 1; i <= NodeCount; i++)
        {
            StartNode(i);
        }

        await WaitReadyAsync([.. Enumerable.Range(1, NodeCount)]);
    }

    public MemberProcess StartLighthouse()
    {
        var environment = CommonEnvironment("lighthouse", _lighthousePort, LighthouseTelemetry);
        environment["FARM__POLICY__FILE"] = Path.Combine(_directory.FullName, "lighthouse.policy");
        environment["FARM__DNS__LISTEN__0"] = $"127.0.0.1:{FreePorts.On("127.0.0.1")}";
        Lighthouse = Track(MemberProcess.Start("lighthouse", Dll("Farm.Lighthouse"), environment, Clock));
        return Lighthouse;
    }

    public MemberProcess StartNode(int node)
    {
        var environment = CommonEnvironment($"node{node}", _nodePorts[node - 1], Telemetry(node));
        environment["FARM__CLUSTER__SEEDS__0"] = LighthouseAddress;
        environment["FARM__SOCKS__LISTENERS__0"] = SocksProxy(node);
        environment["FARM__POLICY__FILE"] = PolicyFile(node);
        environment["FARM__SESSIONLOG__PATH"] = Path.Combine(_directory.FullName, $"node{node}-sessions.jsonl");
        environment["FARM__SESSIONLOG__NODENAME"] = $"node{node}";
        var process = Track(MemberProcess.Start($"node{node}", Dll("Farm.Node"), environment, Clock));
        Nodes[node] = process;
        return process;
    }

    /// <summary>Waits until the lighthouse and the given nodes each see themselves Up and enforce a farm policy.</summary>
    public async Task WaitReadyAsync(int[] nodes)
    {
        var waits = new List<Task> { WaitMemberReadyAsync(Lighthouse!, LighthouseAddress) };
        waits.AddRange(nodes.Select(n => WaitMemberReadyAsync(Node(n), ClusterAddress(n))));
        await Task.WhenAll(waits);
    }

    public static async Task WaitMemberReadyAsync(MemberProcess member, string address, int from = 0)
    {
        await member.WaitForLineAsync(t => t.Contains($"member {address} ", StringComparison.Ordinal) && t.TrimEnd().EndsWith(" is Up", StringComparison.Ordinal), StartTimeout, from);
        await member.WaitForPolicyAsync(1, StartTimeout, from);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _started)
        {
            try
            {
                process.KillHard();
            }
            catch (InvalidOperationException)
            {
                // Never started or already reaped: nothing left to kill.
            }
        }

        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A member killed mid-write may still hold a file for a moment; the temp directory is disposable.
        }

        await Task.CompletedTask;
    }

    private MemberProcess Track(MemberProcess process)
    {
        _started.Add(process);
        return process;
    }

    private Dictionary<string, string> CommonEnvironment(string name, int port, string telemetry) => new()
    {
        ["FARM__CLUSTER__HOSTNAME"] = "127.0.0.1",
        ["FARM__CLUSTER__PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FARM__CLUSTER__DATADIRECTORY"] = Path.Combine(_directory.FullName, name, "ddata"),
        ["FARM__CLUSTER__SERIALIZEMESSAGES"] = "true",
        // Every member serves admin HTTP; each needs its own port on a shared loopback.
        ["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{FreePorts.On("127.0.0.1")}",
        ["FARM__TELEMETRY__LISTEN"] = telemetry,
        // Test-speed failure detection: a killed member is unreachable within ~2 s and downed ~3 s later.
        ["FARM__CLUSTER__FAILUREDETECTION__HEARTBEATINTERVAL"] = "00:00:00.500",
        ["FARM__CLUSTER__FAILUREDETECTION__ACCEPTABLEHEARTBEATPAUSE"] = "00:00:02",
        ["FARM__CLUSTER__SPLITBRAIN__STABLEAFTER"] = "00:00:03",
        ["DOTNET_gcServer"] = "0",
    };

    private static string Dll(string project)
    {
        // tests/Farm.IntegrationTests/bin/<Configuration>/<tfm>/ -> src/<project>/bin/<Configuration>/<tfm>/<project>.dll
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = output.Name;
        var configuration = output.Parent!.Name;
        var root = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "src", project, "bin", configuration, tfm, project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build {project} first", dll);
    }
}
