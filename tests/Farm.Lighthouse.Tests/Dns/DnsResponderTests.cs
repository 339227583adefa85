using System.Net;
using ARSoft.Tools.Net.Dns;
using DnsClient;
using DnsClient.Protocol;

namespace Farm.Lighthouse.Tests.Dns;

/// <summary>The responder on a loopback port, asked by real clients: DnsClient and Debian's dig.</summary>
public sealed class DnsResponderTests : IAsyncLifetime
{
    private RunningDns _dns = null!;

    public async Task InitializeAsync()
    {
        _dns = await RunningDns.StartAsync();
        _dns.Directory.Update(Farms.ThreeNodes());
    }

    public async Task DisposeAsync() => await _dns.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FarmName_DnsClient_ThreeNodesInRotatingOrder(bool tcp)
    {
        var client = Client(tcp);
        var answers = new List<string[]>();
        for (var i = 0; i < 6; i++)
        {
            var response = await client.QueryAsync("socks.farm.test", QueryType.A);
            Assert.Equal(DnsHeaderResponseCode.NoError, response.Header.ResponseCode);
            Assert.True(response.Header.HasAuthorityAnswer);
            Assert.False(response.Header.RecursionAvailable);
            answers.Add([.. response.Answers.ARecords().Select(record => record.Address.ToString())]);
        }

        AssertRotating(answers);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FarmName_Dig_ThreeNodesInRotatingOrder(bool tcp)
    {
        var answers = new List<string[]>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add([.. await Dig.ShortAsync(_dns.Endpoint, "socks.farm.test", "A", tcp)]);
        }

        AssertRotating(answers);
    }

    [Theory]
    [InlineData("farm.test", false)]
    [InlineData("farm.test", true)]
    public async Task Any_Dig_OneRRset(string name, bool tcp)
    {
        // RFC 8482: ANY must not be a way to get every record at once (the apex has SOA and NS).
        var answers = await Dig.ShortAsync(_dns.Endpoint, name, "ANY", tcp);
        var full = await Dig.FullAsync(_dns.Endpoint, name, "ANY", tcp);

        Assert.NotEmpty(answers);
        var types = full.Split('\n').Where(line => line.Length > 0 && !line.StartsWith(';')).Select(line => line.Split('\t', StringSplitOptions.RemoveEmptyEntries)).Where(fields => fields.Length >= 4 && fields[0].StartsWith(name, StringComparison.Ordinal)).Select(fields => fields[3]).Distinct();
        Assert.Single(types);
    }

    [Fact]
    public async Task FarmName_Dig_AuthoritativeWithoutRecursion()
    {
        var output = await Dig.FullAsync(_dns.Endpoint, "socks.farm.test", "A");

        Assert.Contains("status: NOERROR", output, StringComparison.Ordinal);
        var flags = output.Split('\n').Single(line => line.StartsWith(";; flags:", StringComparison.Ordinal));
        Assert.Contains(" aa", flags, StringComparison.Ordinal);
        Assert.DoesNotContain(" ra", flags, StringComparison.Ordinal);
        Assert.Matches(@"socks\.farm\.test\.\s+5\s+IN\s+A\s+127\.0\.0\.1[123]\s", output);
    }

    [Fact]
    public async Task SocksSrv_Dig_OneRecordPerHealthyNode()
    {
        var lines = await Dig.ShortAsync(_dns.Endpoint, "_socks._tcp.farm.test", "SRV");

        Assert.Equal(
            ["0 1 1080 node-1.nodes.farm.test.", "0 1 1080 node-2.nodes.farm.test.", "0 1 1080 node-3.nodes.farm.test."],
            lines.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MetricsSrv_DnsClient_EveryMemberWithAddressesInAdditional()
    {
        var response = await Client().QueryAsync("_metrics._tcp.farm.test", QueryType.SRV);

        var services = response.Answers.SrvRecords().ToList();
        Assert.Equal(
            ["lighthouse-1.nodes.farm.test.", "node-1.nodes.farm.test.", "node-2.nodes.farm.test.", "node-3.nodes.farm.test."],
            services.Select(srv => srv.Target.Value).Order(StringComparer.Ordinal));
        Assert.All(services, srv => Assert.Equal(Farms.MetricsPort, srv.Port));
        Assert.Equal(
            ["lighthouse-1.nodes.farm.test. 127.0.0.10", "node-1.nodes.farm.test. 127.0.0.11", "node-2.nodes.farm.test. 127.0.0.12", "node-3.nodes.farm.test. 127.0.0.13"],
            response.Additionals.ARecords().Select(a => $"{a.DomainName.Value} {a.Address}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task NodeNames_DigAndDnsClient_TheNodesOwnAddress()
    {
        Assert.Equal(["127.0.0.12"], await Dig.ShortAsync(_dns.Endpoint, "node-2.nodes.farm.test", "A"));
        Assert.Equal(["127.0.0.13"], await Dig.ShortAsync(_dns.Endpoint, "NODE-3.nodes.FARM.test", "A", tcp: true));

        var response = await Client().QueryAsync("node-1.nodes.farm.test", QueryType.A);
        Assert.Equal(IPAddress.Parse("127.0.0.11"), Assert.Single(response.Answers.ARecords()).Address);
    }

    [Fact]
    public async Task UnhealthyNode_GoneFromTheNextAnswer_StillUnderItsOwnName()
    {
        var client = Client();
        Assert.Equal(3, (await client.QueryAsync("socks.farm.test", QueryType.A)).Answers.ARecords().Count());

        _dns.Directory.Update(Farms.ThreeNodes(unhealthy: 2));

        for (var i = 0; i < 3; i++)
        {
            var addresses = (await client.QueryAsync("socks.farm.test", QueryType.A)).Answers.ARecords().Select(record => record.Address.ToString()).ToList();
            Assert.Equal(["127.0.0.11", "127.0.0.13"], addresses.Order(StringComparer.Ordinal));
        }

        Assert.Equal(2, (await Dig.ShortAsync(_dns.Endpoint, "_socks._tcp.farm.test", "SRV")).Count);
        Assert.Equal(["127.0.0.12"], await Dig.ShortAsync(_dns.Endpoint, "node-2.nodes.farm.test", "A"));
    }

    [Fact]
    public async Task Errors_DnsClientAndDig_NxDomainRefusedNoData()
    {
        var client = Client();

        var missing = await client.QueryAsync("node-9.nodes.farm.test", QueryType.A);
        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, missing.Header.ResponseCode);
        Assert.Single(missing.Authorities.SoaRecords());

        var outside = await client.QueryAsync("example.com", QueryType.A);
        Assert.Equal(DnsHeaderResponseCode.Refused, outside.Header.ResponseCode);
        Assert.False(outside.Header.RecursionAvailable);

        var noData = await client.QueryAsync("socks.farm.test", QueryType.MX);
        Assert.Equal(DnsHeaderResponseCode.NoError, noData.Header.ResponseCode);
        Assert.Empty(noData.Answers);
        Assert.Single(noData.Authorities.SoaRecords());

        Assert.Contains("status: NXDOMAIN", await Dig.FullAsync(_dns.Endpoint, "nothing.farm.test", "A"), StringComparison.Ordinal);
        Assert.Contains("status: REFUSED", await Dig.FullAsync(_dns.Endpoint, "example.com", "A", tcp: true), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Counters_ByResponseCode()
    {
        var client = Client();
        await client.QueryAsync("socks.farm.test", QueryType.A);
        await client.QueryAsync("socks.farm.test", QueryType.A);
        await client.QueryAsync("nothing.farm.test", QueryType.A);
        await client.QueryAsync("example.com", QueryType.A);

        Assert.Equal(2, _dns.Counters.Answered(ReturnCode.NoError));
        Assert.Equal(1, _dns.Counters.Answered(ReturnCode.NxDomain));
        Assert.Equal(1, _dns.Counters.Answered(ReturnCode.Refused));
        Assert.Equal(0, _dns.Counters.Failed);
    }

    private static void AssertRotating(List<string[]> answers)
    {
        string[] all = ["127.0.0.11", "127.0.0.12", "127.0.0.13"];
        Assert.All(answers, answer => Assert.Equal(all, answer.Order(StringComparer.Ordinal)));
        var firsts = answers.Select(answer => answer[0]).ToList();
        Assert.All(firsts.Zip(firsts.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
        Assert.All(firsts.Chunk(3), turn => Assert.Equal(all, turn.Order(StringComparer.Ordinal)));
    }

    private LookupClient Client(bool tcp = false) => new(new LookupClientOptions(new NameServer(_dns.Endpoint))
    {
        UseCache = false,
        Retries = 0,
        Timeout = TimeSpan.FromSeconds(2),
        UseTcpOnly = tcp,
        ContinueOnDnsError = false,
        ThrowDnsErrors = false,
    });
}
