using System.Diagnostics;

using Farm.Tests.Shared;

namespace Farm.IntegrationTests.Support;

/// <summary>
/// A farm of one lighthouse and three nodes, each a real process on loopback: remoting on 127.0.0.1,
/// node SOCKS listeners on 127.0.0.11-13, durable data and policy files in a temp directory. Every
/// process it started is killed by id when it is disposed, whatever the test did. Every member gets
/// free admin and telemetry ports, the lighthouse a DNS port; a <see cref="FarmLayout"/> moves the
/// SOCKS listeners and DNS elsewhere (a veth for namespace clients).
/// </summary>
public sealed class FarmHarness(FarmLayout? layout = null) : IAsyncDisposable
{
    public const string LighthouseName = "lighthouse";

    public const int NodeCount = 3;

    /// <summary>The bearer token every member's admin endpoint is configured with.</summary>
    public const string AdminToken = "integration-admin-token";
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(40);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("farm-it-");
    private readonly List<MemberProcess> _started = [];
    private readonly int _lighthousePort = FreePorts.On("127.0.0.1");
    private readonly int[] _nodePorts = [.. Enumerable.Range(0, NodeCount).Select(_ => FreePorts.On("127.0.0.1"))];
    private readonly FarmLayout _layout = layout ?? FarmLayout.Loopback;
    private readonly Dictionary<string, int> _adminPorts = [];
    private readonly Dictionary<string, int> _telemetryPorts = [];
    private int[]? _socksPorts;
    private int? _dnsPort;

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    /// <summary>Environment settings the lighthouse starts with on top of the common ones.</summary>
    public Dictionary<string, string> LighthouseSettings { get; } = [];

    /// <summary>Extra environment for every node started from now on.</summary>
    public Dictionary<string, string> NodeSettings { get; } = [];

    public MemberProcess? Lighthouse { get; private set; }

    public MemberProcess?[] Nodes { get; } = new MemberProcess?[NodeCount + 1];

    public string LighthouseAddress => $"akka.ssl.tcp://farm@127.0.0.1:{_lighthousePort}";

    public string ClusterAddress(int node) => $"akka.ssl.tcp://farm@127.0.0.1:{_nodePorts[node - 1]}";

    public string SocksAddress(int node) => _layout.NodeAddresses[node - 1];

    public string SocksProxy(int node) => $"{SocksAddress(node)}:{SocksPort(node)}";

    public int SocksPort(int node) => SocksPorts[node - 1];

    /// <summary>The lighthouse's DNS port, on <see cref="FarmLayout.DnsAddress"/>.</summary>
    public int DnsPort => _dnsPort ??= _layout.DnsPort ?? FreePorts.On(_layout.DnsAddress);

    public string DnsAddress => _layout.DnsAddress;

    /// <summary>The telemetry base URL of a member: <see cref="LighthouseName"/> or <c>node1</c>..<c>node3</c>.</summary>
    public string TelemetryUrl(string member) => $"http://127.0.0.1:{_telemetryPorts[member]}";

    public int TelemetryPort(string member) => _telemetryPorts[member];

    public string AdminUrl(string member) => $"http://127.0.0.1:{_adminPorts[member]}";

    /// <summary>The lighthouse's <c>/metrics</c>, <c>/healthz</c> and service discovery endpoint, <c>host:port</c>.</summary>
    public string LighthouseTelemetry => $"127.0.0.1:{PortOf(_telemetryPorts, LighthouseName)}";

    /// <summary>A node's <c>/metrics</c> endpoint, <c>host:port</c>: the instance label Prometheus gives its series.</summary>
    public string Telemetry(int node) => $"127.0.0.1:{PortOf(_telemetryPorts, $"node{node}")}";

    public string PolicyFile(int node) => Path.Combine(_directory.FullName, $"node{node}.policy");

    public string SessionLog(int node) => Path.Combine(_directory.FullName, $"node{node}-sessions.jsonl");

    public MemberProcess Node(int node) => Nodes[node] ?? throw new InvalidOperationException($"node {node} is not running");

    /// <summary>Writes every member's policy file, then starts the lighthouse and the first <paramref name="nodes"/> nodes together.</summary>
    public async Task StartAllAsync(string policy, int nodes = NodeCount)
    {
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "lighthouse.policy"), policy);
        for (var i = 1; i <= NodeCount; i++)
        {
            await File.WriteAllTextAsync(PolicyFile(i), policy);
        }

        StartLighthouse();
        for (var i = 1; i <= nodes; i++)
        {
            StartNode(i);
        }

        await WaitReadyAsync([.. Enumerable.Range(1, nodes)]);
    }

    public MemberProcess StartLighthouse()
    {
        var environment = CommonEnvironment(LighthouseName, _lighthousePort);
        environment["FARM__POLICY__FILE"] = Path.Combine(_directory.FullName, "lighthouse.policy");
        environment["FARM__DNS__LISTEN__0"] = $"{DnsAddress}:{DnsPort}";
        environment["FARM__SESSIONLOG__NODENAME"] = LighthouseName;
        foreach (var (key, value) in LighthouseSettings)
        {
            environment[key] = value;
        }

        Lighthouse = Track(MemberProcess.Start("lighthouse", Dll("Farm.Lighthouse"), environment, Clock));
        return Lighthouse;
    }

    public MemberProcess StartNode(int node)
    {
        var environment = CommonEnvironment($"node{node}", _nodePorts[node - 1]);
        environment["FARM__CLUSTER__SEEDS__0"] = LighthouseAddress;
        environment["FARM__SOCKS__LISTENERS__0"] = SocksProxy(node);
        environment["FARM__POLICY__FILE"] = PolicyFile(node);
        environment["FARM__SESSIONLOG__PATH"] = SessionLog(node);
        environment["FARM__SESSIONLOG__NODENAME"] = $"node{node}";
        foreach (var (key, value) in NodeSettings)
        {
            environment[key] = value;
        }

        var process = Track(MemberProcess.Start($"node{node}", Dll("Farm.Node"), environment, Clock));
        Nodes[node] = process;
        return process;
    }

    /// <summary>
    /// A node process that is no member of this farm, told the lighthouse as its seed: <paramref name="tls"/>
    /// replaces the farm's certificate settings (none, or another CA's). It listens on 127.0.0.1 ports of
    /// its own and enforces <paramref name="policy"/> from its policy file.
    /// </summary>
    public async Task<(MemberProcess Process, int ClusterPort)> StartOutsiderAsync(string name, IReadOnlyDictionary<string, string> tls, string policy)
    {
        var port = FreePorts.On("127.0.0.1");
        var environment = CommonEnvironment(name, port);
        foreach (var key in environment.Keys.Where(k => k.StartsWith("FARM__CLUSTER__TLS__", StringComparison.Ordinal)).ToList())
        {
            environment.Remove(key);
        }

        foreach (var (key, value) in tls)
        {
            environment[key] = value;
        }

        var file = Path.Combine(_directory.FullName, $"{name}.policy");
        await File.WriteAllTextAsync(file, policy);
        environment["FARM__CLUSTER__SEEDS__0"] = LighthouseAddress;
        environment["FARM__SOCKS__LISTENERS__0"] = $"127.0.0.1:{FreePorts.On("127.0.0.1")}";
        environment["FARM__POLICY__FILE"] = file;
        environment["FARM__SESSIONLOG__NODENAME"] = name;
        return (Track(MemberProcess.Start(name, Dll("Farm.Node"), environment, Clock)), port);
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

    private int[] SocksPorts => _socksPorts ??= [.. Enumerable.Range(1, NodeCount).Select(i => _layout.SocksPort ?? FreePorts.On(SocksAddress(i)))];

    // A restarted member keeps its admin and telemetry ports, so the test's URLs stay valid. Members
    // present the farm's test certificate: the farm runs with mutual TLS between members, as by default.
    private Dictionary<string, string> CommonEnvironment(string name, int port) => new(TestCertificates.Environment())
    {
        ["FARM__CLUSTER__HOSTNAME"] = "127.0.0.1",
        ["FARM__CLUSTER__PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FARM__CLUSTER__DATADIRECTORY"] = Path.Combine(_directory.FullName, name, "ddata"),
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

    private static int PortOf(Dictionary<string, int> ports, string member)
    {
        if (!ports.TryGetValue(member, out var port))
        {
            port = FreePorts.On("127.0.0.1");
            ports[member] = port;
        }

        return port;
    }

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
