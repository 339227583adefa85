using System.Diagnostics;

using Farm.Tests.Shared;

namespace Farm.IntegrationTests.Support;

/// <summary>
/// A farm of one lighthouse (or <paramref name="lighthouses"/>) and three nodes, each a real process on
/// loopback: remoting on 127.0.0.1, node SOCKS listeners on 127.0.0.11-13, durable data and policy files
/// in a temp directory. Every process it started is killed by id when it is disposed, whatever the test
/// did. Every member gets free admin and telemetry ports, each lighthouse a DNS port; a
/// <see cref="FarmLayout"/> moves the SOCKS listeners and the first lighthouse's DNS elsewhere (a veth
/// for namespace clients). With two or more lighthouses every member lists all of them as seeds, and
/// each lighthouse names all of them as the zone's name servers.
/// </summary>
public sealed class FarmHarness(FarmLayout? layout = null, int lighthouses = 1) : IAsyncDisposable
{
    public const string LighthouseName = "lighthouse";

    /// <summary>The zone every test farm serves.</summary>
    public const string Domain = "farm.test";

    public const int NodeCount = 3;

    /// <summary>The bearer token every member's admin endpoint is configured with.</summary>
    public const string AdminToken = "integration-admin-token";
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("farm-it-");
    private readonly List<MemberProcess> _started = [];
    // Ascending, as in ops/local-farm.sh (4053, 4054): the first seed has the lowest address.
    private readonly int[] _lighthousePorts = [.. Enumerable.Range(0, lighthouses).Select(_ => FreePorts.On("127.0.0.1")).Order()];
    private readonly Dictionary<int, int> _dnsPorts = [];
    private readonly int[] _nodePorts = [.. Enumerable.Range(0, NodeCount).Select(_ => FreePorts.On("127.0.0.1"))];
    private readonly FarmLayout _layout = layout ?? FarmLayout.Loopback;
    private readonly Dictionary<string, int> _adminPorts = [];
    private readonly Dictionary<string, int> _telemetryPorts = [];
    private int[]? _socksPorts;

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    /// <summary>Environment settings the lighthouse starts with on top of the common ones.</summary>
    public Dictionary<string, string> LighthouseSettings { get; } = [];

    /// <summary>Environment settings every member starts with, overriding the common ones.</summary>
    public Dictionary<string, string> MemberSettings { get; } = [];

    /// <summary>Environment settings one node (1..3) starts with on top of the others.</summary>
    public Dictionary<int, Dictionary<string, string>> NodeSettings { get; } = [];

    /// <summary>The first lighthouse: the first seed, and so the oldest member of a farm started together.</summary>
    public MemberProcess? Lighthouse => Lighthouses[1];

    /// <summary>Lighthouses 1..<see cref="LighthouseCount"/>; index 0 is unused.</summary>
    public MemberProcess?[] Lighthouses { get; } = new MemberProcess?[lighthouses + 1];

    public int LighthouseCount => lighthouses;

    public MemberProcess?[] Nodes { get; } = new MemberProcess?[NodeCount + 1];

    public string LighthouseAddress => LighthouseAddressOf(1);

    public string LighthouseAddressOf(int lighthouse) => $"akka.ssl.tcp://farm@127.0.0.1:{_lighthousePorts[lighthouse - 1]}";

    /// <summary>The member name of lighthouse 1..n: <see cref="LighthouseName"/>, then <c>lighthouse2</c>, ...</summary>
    public static string LighthouseNameOf(int lighthouse) => lighthouse == 1 ? LighthouseName : $"{LighthouseName}{lighthouse}";

    public string ClusterAddress(int node) => $"akka.ssl.tcp://farm@127.0.0.1:{_nodePorts[node - 1]}";

    public string SocksAddress(int node) => _layout.NodeAddresses[node - 1];

    public string SocksProxy(int node) => $"{SocksAddress(node)}:{SocksPort(node)}";

    public int SocksPort(int node) => SocksPorts[node - 1];

    /// <summary>The first lighthouse's DNS port, on <see cref="FarmLayout.DnsAddress"/>.</summary>
    public int DnsPort => DnsPortOf(1);

    public string DnsAddress => _layout.DnsAddress;

    /// <summary>Where lighthouse 1..n answers DNS: the layout's address for the first, 127.0.0.n for the others.</summary>
    public string DnsAddressOf(int lighthouse) => lighthouse == 1 ? _layout.DnsAddress : $"127.0.0.{lighthouse}";

    public int DnsPortOf(int lighthouse)
    {
        if (!_dnsPorts.TryGetValue(lighthouse, out var port))
        {
            port = lighthouse == 1 && _layout.DnsPort is { } fixedPort ? fixedPort : FreePorts.On(DnsAddressOf(lighthouse));
            _dnsPorts[lighthouse] = port;
        }

        return port;
    }

    /// <summary>The telemetry base URL of a member: <see cref="LighthouseName"/> or <c>node1</c>..<c>node3</c>.</summary>
    public string TelemetryUrl(string member) => $"http://127.0.0.1:{_telemetryPorts[member]}";

    public int TelemetryPort(string member) => _telemetryPorts[member];

    public string AdminUrl(string member) => $"http://127.0.0.1:{_adminPorts[member]}";

    /// <summary>The lighthouse's <c>/metrics</c>, <c>/healthz</c> and service discovery endpoint, <c>host:port</c>.</summary>
    public string LighthouseTelemetry => $"127.0.0.1:{PortOf(_telemetryPorts, LighthouseName)}";

    /// <summary>A node's <c>/metrics</c> endpoint, <c>host:port</c>: the instance label Prometheus gives its series.</summary>
    public string Telemetry(int node) => $"127.0.0.1:{PortOf(_telemetryPorts, $"node{node}")}";

    public string PolicyFile(int node) => Path.Combine(_directory.FullName, $"node{node}.policy");

    /// <summary>The durable store directory of <paramref name="member"/> (<c>lighthouse</c>, <c>node1</c>...), kept across its restarts.</summary>
    public string DataDirectory(string member) => Path.Combine(_directory.FullName, member, "ddata");

    public string SessionLog(int node) => Path.Combine(_directory.FullName, $"node{node}-sessions.jsonl");

    public MemberProcess Node(int node) => Nodes[node] ?? throw new InvalidOperationException($"node {node} is not running");

    /// <summary>Writes every member's policy file, then starts the lighthouses and the first <paramref name="nodes"/> nodes together.</summary>
    public async Task StartAllAsync(string policy, int nodes = NodeCount)
    {
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "lighthouse.policy"), policy);
        for (var i = 1; i <= NodeCount; i++)
        {
            await File.WriteAllTextAsync(PolicyFile(i), policy);
        }

        for (var i = 1; i <= lighthouses; i++)
        {
            StartLighthouse(i);
        }

        for (var i = 1; i <= nodes; i++)
        {
            StartNode(i);
        }

        await WaitReadyAsync([.. Enumerable.Range(1, nodes)]);
    }

    /// <summary>Starts lighthouse 1..n (again, after a kill: same ports and data directory).</summary>
    public MemberProcess StartLighthouse(int lighthouse = 1)
    {
        var name = LighthouseNameOf(lighthouse);
        var environment = CommonEnvironment(name, _lighthousePorts[lighthouse - 1]);
        environment["FARM__POLICY__FILE"] = Path.Combine(_directory.FullName, "lighthouse.policy");
        environment["FARM__DNS__LISTEN__0"] = $"{DnsAddressOf(lighthouse)}:{DnsPortOf(lighthouse)}";
        environment["FARM__SESSIONLOG__NODENAME"] = name;
        if (lighthouses > 1)
        {
            AddSeeds(environment);
            for (var i = 1; i <= lighthouses; i++)
            {
                environment[$"FARM__DNS__NAMESERVERS__{i - 1}__NAME"] = $"ns{i}.{Domain}";
                environment[$"FARM__DNS__NAMESERVERS__{i - 1}__ADDRESSES__0"] = DnsAddressOf(i);
            }
        }

        foreach (var (key, value) in LighthouseSettings)
        {
            environment[key] = value;
        }

        var process = Track(MemberProcess.Start(name, Dll("Farm.Lighthouse"), environment, Clock));
        Lighthouses[lighthouse] = process;
        return process;
    }

    /// <summary>Every lighthouse as a seed, in one order on every member: the first seed alone may form the farm.</summary>
    private void AddSeeds(Dictionary<string, string> environment)
    {
        for (var i = 1; i <= lighthouses; i++)
        {
            environment[$"FARM__CLUSTER__SEEDS__{i - 1}"] = LighthouseAddressOf(i);
        }
    }

    public MemberProcess StartNode(int node)
    {
        var environment = CommonEnvironment($"node{node}", _nodePorts[node - 1]);
        AddSeeds(environment);
        environment["FARM__SOCKS__LISTENERS__0"] = SocksProxy(node);
        environment["FARM__POLICY__FILE"] = PolicyFile(node);
        environment["FARM__SESSIONLOG__PATH"] = SessionLog(node);
        environment["FARM__SESSIONLOG__NODENAME"] = $"node{node}";
        foreach (var (key, value) in NodeSettings.GetValueOrDefault(node) ?? [])
        {
            environment[key] = value;
        }

        var process = Track(MemberProcess.Start($"node{node}", Dll("Farm.Node"), environment, Clock));
        Nodes[node] = process;
        return process;
    }

    /// <summary>
    /// Node <paramref name="node"/> alone, as the README runs it on a fresh machine: no seeds and no
    /// certificate settings. Returns once it is Up and enforces <paramref name="policy"/> as version 1.
    /// </summary>
    public async Task<MemberProcess> StartStandaloneNodeAsync(int node, string policy)
    {
        await File.WriteAllTextAsync(PolicyFile(node), policy);
        return await RunStandaloneNodeAsync(node, 1);
    }

    /// <summary>
    /// Node <paramref name="node"/> alone again on the state directory and policy file it ran with; returns
    /// once it is Up and enforces at least <paramref name="version"/>.
    /// </summary>
    public Task<MemberProcess> RestartStandaloneNodeAsync(int node, long version) => RunStandaloneNodeAsync(node, version);

    private async Task<MemberProcess> RunStandaloneNodeAsync(int node, long version)
    {
        var environment = WithoutClusterTls(CommonEnvironment($"node{node}", _nodePorts[node - 1]));
        environment["FARM__SOCKS__LISTENERS__0"] = SocksProxy(node);
        environment["FARM__POLICY__FILE"] = PolicyFile(node);
        environment["FARM__SESSIONLOG__NODENAME"] = $"node{node}";
        var process = Track(MemberProcess.Start($"node{node}", Dll("Farm.Node"), environment, Clock));
        Nodes[node] = process;

        // Either scheme: the test names the node's address without presuming its transport.
        await process.WaitForLineAsync(t => t.Contains($"@127.0.0.1:{RemotingPort(node)} ", StringComparison.Ordinal) && t.TrimEnd().EndsWith(" is Up", StringComparison.Ordinal), StartTimeout);
        await process.WaitForPolicyAsync(version, StartTimeout);
        return process;
    }

    public int RemotingPort(int node) => _nodePorts[node - 1];

    /// <summary>
    /// A node process that is no member of this farm, told <paramref name="seed"/> (by default the
    /// lighthouse) as its seed: <paramref name="tls"/> replaces the farm's certificate settings (none,
    /// or another CA's). It listens on 127.0.0.1 ports of its own and enforces <paramref name="policy"/>
    /// from its policy file.
    /// </summary>
    public async Task<(MemberProcess Process, int ClusterPort)> StartOutsiderAsync(string name, IReadOnlyDictionary<string, string> tls, string policy, string? seed = null)
    {
        var port = FreePorts.On("127.0.0.1");
        var environment = WithoutClusterTls(CommonEnvironment(name, port));
        foreach (var (key, value) in tls)
        {
            environment[key] = value;
        }

        var file = Path.Combine(_directory.FullName, $"{name}.policy");
        await File.WriteAllTextAsync(file, policy);
        environment["FARM__CLUSTER__SEEDS__0"] = seed ?? LighthouseAddress;
        environment["FARM__SOCKS__LISTENERS__0"] = $"127.0.0.1:{FreePorts.On("127.0.0.1")}";
        environment["FARM__POLICY__FILE"] = file;
        environment["FARM__SESSIONLOG__NODENAME"] = name;
        return (Track(MemberProcess.Start(name, Dll("Farm.Node"), environment, Clock)), port);
    }

    /// <summary>Waits until the running lighthouses and the given nodes each see themselves Up and enforce a farm policy.</summary>
    public async Task WaitReadyAsync(int[] nodes)
    {
        var waits = Enumerable.Range(1, lighthouses)
            .Where(i => Lighthouses[i] is { HasExited: false })
            .Select(i => WaitMemberReadyAsync(Lighthouses[i]!, LighthouseAddressOf(i)))
            .ToList();
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

    private int[] SocksPorts => _socksPorts ??= [.. Enumerable.Range(1, NodeCount).Select(i => _layout.SocksPort ?? FreePorts.On(SocksAddress(i)))];

    // A restarted member keeps its admin and telemetry ports, so the test's URLs stay valid. Members
    // present the farm's test certificate: the farm runs with mutual TLS between members, as by default.
    private Dictionary<string, string> CommonEnvironment(string name, int port)
    {
        var environment = BaseEnvironment(name, port);
        foreach (var (key, value) in MemberSettings)
        {
            environment[key] = value;
        }

        return environment;
    }

    private Dictionary<string, string> BaseEnvironment(string name, int port) => new(TestCertificates.FarmAlsoNaming([.. _layout.NodeAddresses, _layout.DnsAddress]).Environment())
    {
        ["FARM__CLUSTER__HOSTNAME"] = "127.0.0.1",
        ["FARM__CLUSTER__PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FARM__CLUSTER__DATADIRECTORY"] = DataDirectory(name),
        ["FARM__CLUSTER__SERIALIZEMESSAGES"] = "true",
        // Every member serves admin HTTP; each needs its own port on a shared loopback.
        ["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{PortOf(_adminPorts, name)}",
        ["FARM__ADMIN__TOKEN"] = AdminToken,
        ["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{PortOf(_telemetryPorts, name)}",
        // Test-speed failure detection: a killed member is unreachable within ~2 s and downed ~3 s later.
        ["FARM__CLUSTER__FAILUREDETECTION__HEARTBEATINTERVAL"] = "00:00:00.500",
        ["FARM__CLUSTER__FAILUREDETECTION__ACCEPTABLEHEARTBEATPAUSE"] = "00:00:02",
        ["FARM__CLUSTER__SPLITBRAIN__STABLEAFTER"] = "00:00:03",
        ["DOTNET_gcServer"] = "0",
    };

    private static Dictionary<string, string> WithoutClusterTls(Dictionary<string, string> environment)
    {
        foreach (var key in environment.Keys.Where(k => k.StartsWith("FARM__CLUSTER__TLS__", StringComparison.Ordinal)).ToList())
        {
            environment.Remove(key);
        }

        return environment;
    }

    private static int PortOf(Dictionary<string, int> ports, string member)
    {
        if (!ports.TryGetValue(member, out var port))
        {
            port = FreePorts.On("127.0.0.1");
            ports[member] = port;
        }

        return port;
    }

    /// <summary>The built dll of <paramref name="project"/> (named <paramref name="assembly"/> when that differs).</summary>
    public static string Dll(string project, string? assembly = null)
    {
        // tests/Farm.IntegrationTests/bin/<Configuration>/<tfm>/ -> src/<project>/bin/<Configuration>/<tfm>/<project>.dll
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = output.Name;
        var configuration = output.Parent!.Name;
        var root = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "src", project, "bin", configuration, tfm, (assembly ?? project) + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build {project} first", dll);
    }
}
