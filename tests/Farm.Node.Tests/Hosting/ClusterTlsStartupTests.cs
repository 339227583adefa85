using System.Globalization;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Issue 17: with cluster TLS on (a lighthouse, or a node with seeds), a member whose certificate, key
/// or CA is missing or unusable exits 1 with one line naming the setting, instead of running in clear.
/// </summary>
public sealed class ClusterTlsStartupTests
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NodeWithSeeds_NoCertificate_ExitsWithOneLineNamingTheSetting()
    {
        var result = await RunAsync("Farm.Node.dll", "farm-node", new Dictionary<string, string>
        {
            ["FARM__CLUSTER__SEEDS__0"] = $"akka.tcp://farm@127.0.0.1:{TestPorts.Next()}",
        });

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("farm-node: Farm:Cluster:Tls:Certificate is required", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lighthouse_UnreadableKey_ExitsWithOneLineNamingTheSetting()
    {
        var environment = TestCertificates.Environment();
        environment["FARM__CLUSTER__TLS__KEY"] = Path.Combine(Path.GetTempPath(), "farm-no-such-key.pem");

        var result = await RunAsync("Farm.Lighthouse.dll", "farm-lighthouse", environment);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("farm-lighthouse: Farm:Cluster:Tls:Certificate / Key: cannot use", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeWithSeeds_CertificateOfAnotherCa_ExitsWithOneLineNamingTheSetting()
    {
        var environment = TestCertificates.Rogue.Environment();
        environment["FARM__CLUSTER__TLS__CA"] = TestCertificates.Farm.Ca;
        environment["FARM__CLUSTER__SEEDS__0"] = $"akka.tcp://farm@127.0.0.1:{TestPorts.Next()}";

        var result = await RunAsync("Farm.Node.dll", "farm-node", environment);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("farm-node: Farm:Cluster:Tls:Certificate:", line, StringComparison.Ordinal);
        Assert.Contains("is not signed by the CA", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeWithSeeds_CertificateForAnotherRole_ExitsWithOneLineNamingTheRole()
    {
        var environment = TestCertificates.LighthouseOnly.Environment();
        environment["FARM__CLUSTER__SEEDS__0"] = $"akka.tcp://farm@127.0.0.1:{TestPorts.Next()}";

        var result = await RunAsync("Farm.Node.dll", "farm-node", environment);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("farm-node: Farm:Cluster:Tls:Certificate:", line, StringComparison.Ordinal);
        Assert.Contains("is not issued for role 'socks' (it names lighthouse)", line, StringComparison.Ordinal);
    }

    private static async Task<ProcessRunner.Result> RunAsync(string dll, string program, Dictionary<string, string> environment)
    {
        var data = Directory.CreateTempSubdirectory($"{program}-tls-");
        environment["FARM__CLUSTER__DATADIRECTORY"] = data.FullName;
        environment["FARM__CLUSTER__PORT"] = TestPorts.Next().ToString(CultureInfo.InvariantCulture);
        environment["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{TestPorts.Next()}";
        environment["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{TestPorts.Next()}";
        environment["FARM__SOCKS__LISTENERS__0"] = $"127.0.0.1:{TestPorts.Next()}";
        environment["FARM__DNS__LISTEN__0"] = $"127.0.0.1:{TestPorts.Next()}";
        try
        {
            return await ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, dll)], ExitBound, environment);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
