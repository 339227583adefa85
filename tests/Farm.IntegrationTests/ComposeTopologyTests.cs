using System.Diagnostics;
using Farm.IntegrationTests.Support;
using Farm.Tests.Shared;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// docker-compose.yml's farm without a Docker engine: each member in its own network namespace on one bridge,
/// with the compose file's settings (remoting bound to 0.0.0.0, the SOCKS listener on 0.0.0.0:1080, DNS on
/// the lighthouse's port 53, ops/policies/compose.policy seeded, admin on each namespace's own loopback).
/// The nodes advertise their own addresses, so DNS hands out reachable endpoints; farmctl inside the
/// lighthouse's namespace shows the cluster, as `docker compose exec lighthouse farmctl cluster show`;
/// and the demo client, knowing only the farm name, reaches its target while the farm's ports stay shut.
/// </summary>
public sealed class ComposeTopologyTests(ITestOutputHelper output) : IAsyncLifetime
{
    // The compose network is 172.28.0.0/24; here a subnet of this process, so that runs cannot collide.
    private static readonly string Subnet = $"10.234.{20 + (Environment.ProcessId % 200)}";

    private static readonly Dictionary<string, int> Hosts = new()
    {
        ["lighthouse"] = 2,
        ["socks1"] = 11,
        ["socks2"] = 12,
        ["socks3"] = 13,
        ["grafana"] = 30,
        ["client"] = 50,
    };

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("farm-compose-");
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<MemberProcess> _members = [];
    private BridgeNetwork? _network;
    private Process? _target;

    public async Task InitializeAsync() => _network = await BridgeNetwork.CreateAsync(Subnet, Hosts);

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var member in _members)
            {
                output.WriteLine($"--- {member.Name} (pid {member.Pid}) last lines ---{Environment.NewLine}{member.Tail(10)}");
                await member.StopAsync();
            }

            if (_target is { HasExited: false })
            {
                _target.Kill();
                await _target.WaitForExitAsync();
            }
        }
        finally
        {
            _target?.Dispose();
            if (_network is not null)
            {
                await _network.DisposeAsync();
            }

            _directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ComposeFarm_InNamespaces_AdvertisesOwnAddresses_AndTheDemoClientGetsThrough()
    {
        var network = _network!;
        var policy = (await File.ReadAllTextAsync(RepoFiles.Path("ops", "policies", "compose.policy"))).Replace("172.28.0.", Subnet + ".", StringComparison.Ordinal);
        var policyFile = Path.Combine(_directory.FullName, "compose.policy");
        await File.WriteAllTextAsync(policyFile, policy);
        var lighthouse = network.Address("lighthouse");

        Start("lighthouse", "Farm.Lighthouse", new()
        {
            ["FARM__CLUSTER__HOSTNAME"] = "0.0.0.0",
            ["FARM__CLUSTER__PUBLICHOSTNAME"] = lighthouse,
            ["FARM__DNS__LISTEN__0"] = "0.0.0.0:53",
            ["FARM__DNS__DOMAIN"] = "farm.test",
            ["FARM__DNS__FARMNAME"] = "socks",
            ["FARM__POLICY__FILE"] = policyFile,
        });
        foreach (var node in (string[])["socks1", "socks2", "socks3"])
        {
            Start(node, "Farm.Node", new()
            {
                ["FARM__SOCKS__LISTENERS__0"] = "0.0.0.0:1080",
                ["FARM__CLUSTER__HOSTNAME"] = "0.0.0.0",
                ["FARM__CLUSTER__SEEDS__0"] = $"akka.ssl.tcp://farm@{lighthouse}:4053",
            });
        }

        var expected = new[] { "socks1", "socks2", "socks3" }.Select(network.Address).Order().ToArray();
        await network.UseNameServerAsync("client", lighthouse);
        var served = Array.Empty<string>();
        var deadline = Stopwatch.StartNew();
        while (!served.SequenceEqual(expected))
        {
            Assert.True(deadline.Elapsed < FarmHarness.StartTimeout, $"DNS served [{string.Join(", ", served)}], not the nodes' own addresses [{string.Join(", ", expected)}]");
            await Task.Delay(250);
            var dig = await network.ExecAsync("client", "dig", "+short", "+time=1", "+tries=1", "socks.farm.test", "A");
            served = [.. dig.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order()];
        }

        var show = await network.ExecAsync("lighthouse", "env", $"FARM_STATE_DIR={StateDirectory("lighthouse")}", "dotnet", FarmHarness.Dll("Farm.Cli", "farmctl"), "cluster", "show");
        output.WriteLine(show.Output);
        Assert.True(show.ExitCode == 0, $"farmctl cluster show exited {show.ExitCode}: {show.Error}");
        Assert.All(expected.Append(lighthouse), address => Assert.Contains($"{address}:4053", show.Output, StringComparison.Ordinal));
        Assert.Equal(4, show.Output.Split('\n').Count(line => line.Contains("| up |", StringComparison.Ordinal)));

        await StartTargetAsync(network.Address("grafana"));
        var demo = await CurlAsync($"http://{network.Address("grafana")}:3000/health.txt");
        Assert.True(demo.ExitCode == 0 && demo.Output == "ok\n", $"curl exit {demo.ExitCode}: {demo.Error}");

        // The policy's blocks hold on the compose network: the farm's own admin port, and any other address of it.
        var admin = await CurlAsync($"http://{lighthouse}:9110/");
        Assert.Equal(97, admin.ExitCode);
        var other = await CurlAsync($"http://{network.Address("grafana")}:3001/");
        Assert.Equal(97, other.ExitCode);
    }

    private Task<Tool.Result> CurlAsync(string url) =>
        _network!.ExecAsync("client", "curl", "--silent", "--show-error", "--max-time", "10", "--socks5-hostname", "socks.farm.test:1080", url);

    private string StateDirectory(string host) => Path.Combine(_directory.FullName, host, "state");

    private void Start(string host, string project, Dictionary<string, string> settings)
    {
        // Each member's certificate names its own address, as compose's certs service issues them.
        var environment = new Dictionary<string, string>(TestCertificates.FarmFor($"compose-{host}", [_network!.Address(host), host], "lighthouse", "socks").Environment())
        {
            ["FARM__CLUSTER__PORT"] = "4053",
            ["FARM__CLUSTER__DATADIRECTORY"] = Path.Combine(_directory.FullName, host, "ddata"),
            ["FARM__TELEMETRY__LISTEN"] = "0.0.0.0:9464",
            ["FARM__SESSIONLOG__NODENAME"] = host,
            ["FARM_STATE_DIR"] = StateDirectory(host),
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        _members.Add(MemberProcess.Start(host, FarmHarness.Dll(project), environment, _clock, _network!.Namespace(host)));
    }

    private async Task StartTargetAsync(string address)
    {
        var root = Directory.CreateDirectory(Path.Combine(_directory.FullName, "www")).FullName;
        File.WriteAllText(Path.Combine(root, "health.txt"), "ok\n");
        var start = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["netns", "exec", _network!.Namespace("grafana"), "python3", "-m", "http.server", "3000", "--bind", address, "--directory", root])
        {
            start.ArgumentList.Add(argument);
        }

        _target = Process.Start(start)!;
        _target.OutputDataReceived += (_, _) => { };
        _target.ErrorDataReceived += (_, _) => { };
        _target.BeginOutputReadLine();
        _target.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while ((await _network.ExecAsync("grafana", "bash", "-c", $"exec 3<>/dev/tcp/{address}/3000")).ExitCode != 0)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "the demo target never listened");
            await Task.Delay(100);
        }
    }
}
