using System.Globalization;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Issue 16 item 12: a second node on a port the first holds must not start. With SO_REUSEPORT it
/// did, and the kernel split the first node's clients between two processes and two policies.
/// </summary>
public sealed class PortClashTests
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("FARM__SOCKS__LISTENERS__0", "SOCKS")]
    [InlineData("FARM__CLUSTER__PORT", "remoting")]
    [InlineData("FARM__ADMIN__LISTEN", "admin")]
    [InlineData("FARM__TELEMETRY__LISTEN", "metrics")]
    public async Task SecondNode_SamePort_ExitsWithOneLineAndFirstKeepsServing(string variable, string service)
    {
        await using var http = new LoopbackHttpServer();
        var first = Ports();
        await using var node = await ExternalNodeProcess.StartAsync(
            first["FARM__SOCKS__LISTENERS__0"],
            new Dictionary<string, string>(first) { ["FARM__POLICY__ALLOWLOOPBACKDESTINATIONS"] = "true" });

        var second = Ports();
        second[variable] = first[variable];
        var data = Directory.CreateTempSubdirectory("farm-port-clash-");
        second["FARM__CLUSTER__DATADIRECTORY"] = data.FullName;
        ProcessRunner.Result result;
        try
        {
            result = await ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "Farm.Node.dll")], ExitBound, second);
        }
        finally
        {
            data.Delete(recursive: true);
        }

        var port = first[variable].Split(':')[^1];
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"farm-node: cannot listen on 127.0.0.1:{port} ({service}): address already in use", line);
        Assert.NotEqual(0, result.ExitCode);

        // Several connections, so that a kernel splitting them between two listeners would show.
        for (var i = 0; i < 8; i++)
        {
            var download = await Curl.GetAsync(http.Url(1000), "--socks5", node.Endpoint.ToString());
            Assert.True(download.ExitCode == 0, download.Error);
        }

        for (var i = 0; i < 100 && Sessions(node) < 8; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(8, Sessions(node));
    }

    [Fact]
    public async Task SecondLighthouse_SameDnsPort_ExitsWithOneLineAndFirstKeepsAnswering()
    {
        var dns = $"127.0.0.1:{TestPorts.Next()}";
        await using var lighthouse = LighthouseProcess.Start(LighthousePorts(dns));
        for (var i = 0; i < 60 && (await DigSoaAsync(dns)).Length == 0; i++)
        {
            Assert.False(lighthouse.HasExited, "the first lighthouse exited");
            await Task.Delay(500);
        }

        Assert.NotEmpty(await DigSoaAsync(dns));

        var data = Directory.CreateTempSubdirectory("farm-port-clash-");
        var second = LighthousePorts(dns);
        second["FARM__CLUSTER__DATADIRECTORY"] = data.FullName;
        ProcessRunner.Result result;
        try
        {
            result = await ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "Farm.Lighthouse.dll")], ExitBound, second);
        }
        finally
        {
            data.Delete(recursive: true);
        }

        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"farm-lighthouse: cannot listen on {dns} (DNS, UDP): address already in use", line);
        Assert.NotEqual(0, result.ExitCode);
        Assert.NotEmpty(await DigSoaAsync(dns));
    }

    private static Dictionary<string, string> LighthousePorts(string dns) => new(TestCertificates.Environment())
    {
        ["FARM__DNS__LISTEN__0"] = dns,
        ["FARM__CLUSTER__PORT"] = TestPorts.Next().ToString(CultureInfo.InvariantCulture),
        ["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{TestPorts.Next()}",
        ["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{TestPorts.Next()}",
    };

    private static async Task<string> DigSoaAsync(string server)
    {
        var (address, port) = (server.Split(':')[0], server.Split(':')[1]);
        var dig = await ProcessRunner.RunAsync("dig", [$"@{address}", "-p", port, "+time=1", "+tries=1", "+short", "farm.test", "SOA"], TimeSpan.FromSeconds(10));
        return dig.ExitCode == 0 ? dig.StandardOutput.Trim() : string.Empty;
    }

    private static int Sessions(ExternalNodeProcess node) =>
        node.SessionRecords().Count(r => r.TryGetProperty("command", out var command) && string.Equals(command.GetString(), "connect", StringComparison.OrdinalIgnoreCase));

    private static Dictionary<string, string> Ports() => new()
    {
        ["FARM__SOCKS__LISTENERS__0"] = $"127.0.0.1:{TestPorts.Next()}",
        ["FARM__CLUSTER__PORT"] = TestPorts.Next().ToString(CultureInfo.InvariantCulture),
        ["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{TestPorts.Next()}",
        ["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{TestPorts.Next()}",
    };
}
