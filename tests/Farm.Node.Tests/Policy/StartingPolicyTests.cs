using System.Net;
using Farm.Node.Hosting;
using Farm.Node.Policy;
using Farm.Shared.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Farm.Node.Tests.Policy;

/// <summary>
/// The listeners open before the replica has read the durable store: a node that has stored a farm
/// policy must not pass its local file's traffic in that moment (issue 16 item 11).
/// </summary>
public sealed class StartingPolicyTests
{
    [Fact]
    public async Task StoredPolicyFileExists_StartsRefusingEveryClient()
    {
        var directory = Directory.CreateTempSubdirectory("farm-starting-policy-");
        try
        {
            var data = Path.Combine(directory.FullName, "ddata");
            Directory.CreateDirectory(data);
            await File.WriteAllTextAsync(Path.Combine(data, "farm-policy.ddata"), "read later by the replica");

            var decision = StartingPolicy(directory.FullName, data).Policy.DecideClient(IPAddress.Loopback, IPAddress.Loopback);

            Assert.Equal(PolicyAction.Block, decision.Action);
            Assert.Equal(RefuseAllPolicy.StorePending, decision.Rule?.Id);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void NoStore_StartsOnTheLocalFile()
    {
        var directory = Directory.CreateTempSubdirectory("farm-starting-policy-");
        try
        {
            var decision = StartingPolicy(directory.FullName, Path.Combine(directory.FullName, "ddata")).Policy.DecideClient(IPAddress.Loopback, IPAddress.Loopback);

            Assert.Equal(PolicyAction.Pass, decision.Action);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Issue 17: a node in a farm passes nothing its own file allows until the farm's version is in force.</summary>
    [Fact]
    public void WithSeeds_NoStore_StartsRefusingEveryClient()
    {
        var directory = Directory.CreateTempSubdirectory("farm-starting-policy-");
        try
        {
            var decision = StartingPolicy(directory.FullName, Path.Combine(directory.FullName, "ddata"), seed: "akka.ssl.tcp://farm@127.0.0.1:4053").Policy.DecideClient(IPAddress.Loopback, IPAddress.Loopback);

            Assert.Equal(PolicyAction.Block, decision.Action);
            Assert.Equal(RefuseAllPolicy.FarmPending, decision.Rule?.Id);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static PolicySnapshot StartingPolicy(string directory, string data, string? seed = null)
    {
        var file = Path.Combine(directory, "local.policy");
        File.WriteAllText(file, "client pass from 127.0.0.0/8\npass connect to 127.0.0.1\n");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Farm:Policy:File"] = file,
            ["Farm:Cluster:Port"] = "0",
            ["Farm:Cluster:DataDirectory"] = data,
        });
        if (seed is not null)
        {
            builder.Configuration.AddInMemoryCollection([new("Farm:Cluster:Seeds:0", seed)]);
        }

        builder.AddFarmNode();
        using var host = builder.Build();
        return host.Services.GetRequiredService<PolicyHolder>().Current;
    }
}
