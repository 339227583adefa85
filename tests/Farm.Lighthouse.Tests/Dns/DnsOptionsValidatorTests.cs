using Farm.Lighthouse.Dns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Farm.Lighthouse.Tests.Dns;

public sealed class DnsOptionsValidatorTests
{
    private readonly DnsOptionsValidator _validator = new();

    [Fact]
    public void Defaults_Valid()
    {
        var options = new DnsOptions();

        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Equal(["127.0.0.1:5353"], options.EffectiveListen);
        Assert.Equal("hostmaster.farm.test", options.EffectiveHostmaster);
        var server = Assert.Single(options.EffectiveNameServers);
        Assert.Equal("ns1.farm.test", server.Name);
        Assert.Equal(["127.0.0.1"], server.Addresses);
    }

    [Fact]
    public void WildcardListen_DefaultNameServerWithoutAddresses()
    {
        var options = new DnsOptions { Listen = ["0.0.0.0:53", "[::]:53"] };

        Assert.Empty(Assert.Single(options.EffectiveNameServers).Addresses);
    }

    [Fact]
    public void EveryProblem_ReportedAtOnce()
    {
        var options = new DnsOptions
        {
            Listen = ["127.0.0.1:5353", "nowhere", "127.0.0.1:0"],
            Domain = "bad_domain..test",
            FarmName = "nodes",
            Ttl = TimeSpan.FromDays(5),
            Hostmaster = "hostmaster.farm.test",
            NameServers = [new DnsNameServerOptions { Name = "ns1.farm.test", Addresses = ["10.0.0.300"] }],
        };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(6, result.Failures!.Count());
        Assert.Contains(result.Failures!, failure => failure.Contains("'nowhere'", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, failure => failure.Contains("'127.0.0.1:0'", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, failure => failure.Contains("Domain", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, failure => failure.Contains("FarmName", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, failure => failure.Contains("five days", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, failure => failure.Contains("10.0.0.300", StringComparison.Ordinal));
    }

    [Fact]
    public void TcpCaps_ZeroOrUnboundedIdle_Refused()
    {
        var options = new DnsOptions
        {
            Tcp = new DnsTcpOptions { MaxConnections = 0, MaxConnectionsPerSource = 16, MaxQueriesPerConnection = 1, IdleTimeout = TimeSpan.FromDays(5) },
        };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, failure => failure.Contains("Farm:Dns:Tcp needs MaxConnections", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, failure => failure.Contains("Farm:Dns:Tcp:IdleTimeout 5.00:00:00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddFarmDns_InvalidConfiguration_HostDoesNotStart()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Farm:Dns:Ttl"] = "5" });
        builder.Services.AddFarmDns(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Ttl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddFarmDns_Disabled_DirectoryStillThereAndNothingBound()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Farm:Dns:Enabled"] = "false",
            ["Farm:Dns:Listen:0"] = "127.0.0.1:1",
        });
        builder.Services.AddFarmDns(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync();
        Assert.NotNull(host.Services.GetService<FarmDirectory>());
        await host.StopAsync();
    }
}
