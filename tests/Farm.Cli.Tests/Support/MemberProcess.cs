using System.Diagnostics;
using System.Globalization;
using System.Net;
using Farm.Tests.Shared;

namespace Farm.Cli.Tests.Support;

/// <summary>
/// A farm member (lighthouse or SOCKS node) as its own process, started from the built dll the way the
/// farm runs it. Every port it listens on (remoting, admin, telemetry, DNS, SOCKS) is its own free
/// loopback port and its durable data lives in its own temp directory, so members never clash with
/// each other, with other test runs, or with a farm running on the defaults. Killed by PID on dispose.
/// </summary>
public sealed class MemberProcess : IAsyncDisposable
{
    private readonly ProcessStartInfo _start;
    private readonly DirectoryInfo _directory;
    private readonly List<string> _lines = [];
    private Process _process;

    private MemberProcess(string name, ProcessStartInfo start, DirectoryInfo directory, string clusterHost, int clusterPort, int adminPort, IPEndPoint? socks)
    {
        Name = name;
        _start = start;
        _process = Launch();
        _directory = directory;
        Address = $"akka.ssl.tcp://farm@{clusterHost}:{clusterPort}";
        Admin = $"127.0.0.1:{adminPort}";
        Socks = socks;
    }

    public string Name { get; }

    /// <summary>The member's cluster address, as <c>cluster show</c> prints it.</summary>
    public string Address { get; }

    /// <summary>The admin endpoint farmctl talks to.</summary>
    public string Admin { get; }

    /// <summary>The SOCKS listener of a node; null for a lighthouse.</summary>
    public IPEndPoint? Socks { get; }

    public bool HasExited => _process.HasExited;

    /// <param name="environment">Further variables, e.g. <c>FARM_STATE_DIR</c>.</param>
    public static MemberProcess StartLighthouse(string name, string? seed = null, string? token = null, IDictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["FARM__DNS__LISTEN__0"] = $"127.0.0.1:{TestPorts.Next()}",
        };
        if (token is not null)
        {
            settings["FARM__ADMIN__TOKEN"] = token;
        }

        return Start(name, Built.Lighthouse, seed, settings, socks: null, policy: LoopbackTestPolicy);
    }

    /// <summary>
    /// The farm policy the lighthouse seeds: the default after a pass of loopback to loopback, so that clients
    /// reach the tests' servers. The nodes' loopback opt-in loosens only a node's own file, never the farm's policy.
    /// </summary>
    private static string LoopbackTestPolicy =>
        "pass connect from 127.0.0.0/8, ::1 to 127.0.0.0/8, ::1 name test-loopback\n" + Farm.Shared.Policy.DefaultPolicy.ReadText();

    /// <param name="clusterHost">The loopback address its remoting binds and advertises (another 127.x puts it on another "host" in the cluster view).</param>
    public static MemberProcess StartNode(string name, string seed, string clusterHost = "127.0.0.1")
    {
        var socks = new IPEndPoint(IPAddress.Loopback, TestPorts.Next());
        var settings = new Dictionary<string, string>
        {
            ["FARM__SOCKS__LISTENERS__0"] = socks.ToString(),
            ["FARM__POLICY__ALLOWLOOPBACKDESTINATIONS"] = "true",
            ["FARM__SESSIONLOG__NODENAME"] = name,
        };
        return Start(name, Built.Node, seed, settings, socks, clusterHost);
    }

    /// <summary>
    /// Stops the member and starts it again on the same ports and data directory; with <paramref name="wipeData"/>
    /// its durable store is deleted first, as a member whose disk was replaced would come back.
    /// </summary>
    public async Task RestartAsync(bool wipeData)
    {
        await StartedProcesses.StopAsync(_process);
        var data = _start.Environment["FARM__CLUSTER__DATADIRECTORY"]!;
        if (wipeData && Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }

        _process = Launch();
    }

    /// <summary>Whether any output line so far contains <paramref name="text"/>.</summary>
    public bool Said(string text)
    {
        lock (_lines)
        {
            return _lines.Any(l => l.Contains(text, StringComparison.Ordinal));
        }
    }

    /// <summary>Kills the member at once, as a crash would.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGSTOP: the member is frozen with its sockets open, so nothing it should answer is answered.</summary>
    public void Freeze() => Signal(StopSignal);

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw()
    {
        if (!_process.HasExited)
        {
            Signal(ContinueSignal);
        }
    }

    public string Tail(int count)
    {
        lock (_lines)
        {
            return string.Join(Environment.NewLine, _lines.TakeLast(count));
        }
    }

    private const int StopSignal = 19;

    private const int ContinueSignal = 18;

    private void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StartedProcesses.StopAsync(_process);
        }
        finally
        {
            try
            {
                _directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A member killed mid-write may hold a file for a moment; it is a temp directory.
            }
        }
    }

    private static MemberProcess Start(string name, string dll, string? seed, Dictionary<string, string> settings, IPEndPoint? socks, string clusterHost = "127.0.0.1", string? policy = null)
    {
        var directory = Directory.CreateTempSubdirectory($"farm-cli-{name}-");
        if (policy is not null)
        {
            var file = Path.Combine(directory.FullName, "farm.policy");
            File.WriteAllText(file, policy);
            settings["FARM__POLICY__FILE"] = file;
        }

        var clusterPort = TestPorts.Next();
        var adminPort = TestPorts.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory.FullName,
        };
        start.ArgumentList.Add(dll);

        // The classic Lighthouse variables override Farm:Cluster; one left in the environment would move every member.
        foreach (var classic in new[] { "CLUSTER_IP", "CLUSTER_PORT", "CLUSTER_SEEDS" })
        {
            start.Environment.Remove(classic);
        }

        start.Environment["FARM__CLUSTER__HOSTNAME"] = clusterHost;
        start.Environment["FARM__CLUSTER__PORT"] = clusterPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["FARM__CLUSTER__DATADIRECTORY"] = Path.Combine(directory.FullName, "ddata");
        start.Environment["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{adminPort}";
        start.Environment["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{TestPorts.Next()}";
        start.Environment["FARM__SESSIONLOG__PATH"] = Path.Combine(directory.FullName, "sessions.jsonl");

        // Test-speed failure detection: a killed member is unreachable within ~2 s, not the production ~10 s.
        start.Environment["FARM__CLUSTER__FAILUREDETECTION__HEARTBEATINTERVAL"] = "00:00:00.500";
        start.Environment["FARM__CLUSTER__FAILUREDETECTION__ACCEPTABLEHEARTBEATPAUSE"] = "00:00:02";
        start.Environment["FARM__CLUSTER__SPLITBRAIN__STABLEAFTER"] = "00:00:03";
        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in TestCertificates.Environment())
        {
            start.Environment[key] = value;
        }

        if (seed is not null)
        {
            start.Environment["FARM__CLUSTER__SEEDS__0"] = seed;
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        try
        {
            return new MemberProcess(name, start, directory, clusterHost, clusterPort, adminPort, socks);
        }
        catch
        {
            directory.Delete(recursive: true);
            throw;
        }
    }

    private Process Launch()
    {
        var process = StartedProcesses.Start(_start);
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }
}
