using System.Net;
using System.Net.Http.Json;
using Farm.Admin;
using Farm.Node.Tests.Support;
using Farm.Shared.Admin;
using Microsoft.Extensions.DependencyInjection;

namespace Farm.Node.Tests.Decisions;

/// <summary>
/// A client must not be able to make the farm resolve names that no rule would pass (DNS exfiltration,
/// probing): the node decides on the name first and sends no query when no pass rule could match the name
/// or any address of it. The node's resolver is pointed at a real DNS server on loopback that counts queries.
/// </summary>
public sealed class NameResolutionDecisionTests : IAsyncLifetime
{
    private LoopbackEchoServer _echo = null!;
    private CountingDnsServer _dns = null!;
    private FarmNodeHost _node = null!;

    public async Task InitializeAsync()
    {
        _echo = new LoopbackEchoServer();
        _dns = new CountingDnsServer(IPAddress.Loopback);
        _node = await FarmNodeHost.StartAsync(
            $"""
            client pass from 127.0.0.0/8
            pass connect to allowed.farm.test port {_echo.Endpoint.Port} name allowed-name
            pass connect to 127.0.0.1 port {_echo.Endpoint.Port} name echo-address
            pass bind to ftp.farm.test name ftp-name
            """,
            new Dictionary<string, string?>
            {
                ["Farm:Resolver:Servers:0"] = _dns.Endpoint.ToString(),
                ["Farm:Resolver:QueryTimeout"] = "00:00:02",
            });
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _dns.DisposeAsync();
        await _echo.DisposeAsync();
    }

    [Theory]
    [InlineData(0x01, "leak-1.exfil.farm.test")]
    [InlineData(0x02, "leak-2.exfil.farm.test")]
    public async Task Request_NameNoPassRuleCouldMatch_RefusedWithoutAQuery(byte command, string name)
    {
        using var probe = await SocksProbe.Socks5Async(_node.Endpoint, command, name, 22);

        Assert.Equal(0x02, probe.Reply);
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("no-rule-can-pass-name", record.GetProperty("reason").GetString());
        Assert.Equal(0, _dns.QueriesFor(name));
    }

    [Theory]
    [InlineData("allowed.farm.test")]
    [InlineData("by-address.farm.test")]
    public async Task Connect_NameARuleCouldPass_ResolvedWithTheConfiguredServerAndDialed(string name)
    {
        using var probe = await SocksProbe.Socks5Async(_node.Endpoint, 0x01, name, _echo.Endpoint.Port);

        Assert.Equal(0x00, probe.Reply);
        Assert.True(_dns.QueriesFor(name) > 0, $"the node never asked the configured server about {name}");
    }

    [Fact]
    public async Task PolicyTest_AgreesAndSendsNoQueryForARefusedName()
    {
        var admin = _node.Services.GetRequiredService<AdminServer>().Endpoint!;
        using var http = AdminTestToken.Client(TimeSpan.FromSeconds(20), new Uri($"http://{admin}"));

        var refused = await TestAsync(http, "leak-3.exfil.farm.test:22");
        var allowed = await TestAsync(http, $"allowed.farm.test:{_echo.Endpoint.Port}");

        Assert.Equal("block", refused.Verdict);
        Assert.Contains(refused.Steps, s => s.Reason.Contains("without being resolved", StringComparison.Ordinal));
        Assert.Equal(0, _dns.QueriesFor("leak-3.exfil.farm.test"));
        Assert.Equal("pass", allowed.Verdict);
        Assert.True(_dns.QueriesFor("allowed.farm.test") > 0, "policy test did not resolve with the node's resolver");
    }

    private static async Task<PolicyTestResult> TestAsync(HttpClient http, string to)
    {
        var response = await http.PostAsJsonAsync(AdminRoutes.PolicyTest, new PolicyTestRequest("127.0.0.1", null, null, to, "connect"), AdminJsonContext.Default.PolicyTestRequest);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(AdminJsonContext.Default.PolicyTestResult))!;
    }
}
