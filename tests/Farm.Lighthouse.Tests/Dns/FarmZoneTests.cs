using System.Collections.Immutable;
using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using ARSoft.Tools.Net.Dns.DynamicUpdate;
using Farm.Lighthouse.Dns;

namespace Farm.Lighthouse.Tests.Dns;

public sealed class FarmZoneTests
{
    private readonly FarmZone _zone = new(new DnsOptions());

    [Fact]
    public void FarmName_A_HealthySocksAddressesAuthoritativeWithoutRecursion()
    {
        var response = Ask("socks.farm.test", RecordType.A, Farms.ThreeNodes());

        Assert.Equal(ReturnCode.NoError, response.ReturnCode);
        Assert.True(response.IsAuthoritiveAnswer);
        Assert.False(response.IsRecursionAllowed);
        Assert.False(response.IsQuery);
        Assert.Equal(Sorted(Farms.NodeAddresses), Sorted(Addresses(response)));
        Assert.All(response.AnswerRecords, record => Assert.Equal(5, record.TimeToLive));
    }

    [Fact]
    public void FarmName_SuccessiveQueries_EachAddressFirstInTurn()
    {
        var answers = Enumerable.Range(0, 6).Select(_ => Addresses(Ask("socks.farm.test", RecordType.A, Farms.ThreeNodes()))).ToList();

        Assert.Equal(
            ["127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.11", "127.0.0.12", "127.0.0.13"],
            answers.Select(answer => answer[0].ToString()));
        Assert.All(answers, answer => Assert.Equal(Sorted(Farms.NodeAddresses), Sorted(answer)));
        Assert.All(answers.Zip(answers.Skip(1)), pair => Assert.Equal(pair.First.Skip(1).Append(pair.First[0]), pair.Second));
    }

    [Fact]
    public void FarmName_InterleavedAAndAaaa_EachFamilyRotatesOnItsOwn()
    {
        ImmutableArray<NodeAdvert> nodes = [Farms.Node(1), Farms.Node(2), DualStack("node-3", "127.0.0.13", "fd00::13"), DualStack("node-4", "127.0.0.14", "fd00::14")];

        var firsts = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            firsts.Add(Addresses(Ask("socks.farm.test", RecordType.A, nodes))[0].ToString());
            Assert.Equal(2, Addresses(Ask("socks.farm.test", RecordType.Aaaa, nodes)).Count);
        }

        Assert.Equal(["127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"], firsts);
    }

    [Fact]
    public void FarmName_UnhealthyNodeAndLighthouse_Excluded()
    {
        var response = Ask("socks.farm.test", RecordType.A, Farms.ThreeNodes(unhealthy: 2));

        Assert.Equal(["127.0.0.11", "127.0.0.13"], Sorted(Addresses(response)));
    }

    [Fact]
    public void FarmName_NoHealthyNode_NoDataWithSoa()
    {
        ImmutableArray<NodeAdvert> nodes = [Farms.Node(1, healthy: false), Farms.Lighthouse];

        var response = Ask("socks.farm.test", RecordType.A, nodes);

        AssertNoData(response);
    }

    [Fact]
    public void FarmName_Any_OneRRsetOnly()
    {
        ImmutableArray<NodeAdvert> nodes = [DualStack("node-1", "127.0.0.11", "fd00::11")];

        var response = Ask("socks.farm.test", RecordType.Any, nodes);

        // RFC 8482: the A RRset alone, not A and AAAA together.
        Assert.Equal(["127.0.0.11"], Addresses(response).Select(address => address.ToString()));
    }

    [Fact]
    public void Apex_Any_OneRRsetWithoutAdditionals()
    {
        var response = Ask("farm.test", RecordType.Any, Farms.ThreeNodes());

        Assert.Equal(ReturnCode.NoError, response.ReturnCode);
        Assert.IsType<SoaRecord>(Assert.Single(response.AnswerRecords));
        Assert.DoesNotContain(response.AdditionalRecords, record => record.RecordType != RecordType.Opt);
    }

    [Fact]
    public void MetricsService_Any_OnlySrvRecords()
    {
        var response = Ask("_metrics._tcp.farm.test", RecordType.Any, Farms.ThreeNodes());

        Assert.Equal(4, response.AnswerRecords.Count);
        Assert.All(response.AnswerRecords, record => Assert.IsType<SrvRecord>(record));
    }

    [Fact]
    public void FarmName_Aaaa_OnlyIPv6Addresses()
    {
        ImmutableArray<NodeAdvert> nodes = [Farms.Node(1), DualStack("node-2", "127.0.0.12", "fd00::12")];

        var response = Ask("socks.farm.test", RecordType.Aaaa, nodes);

        Assert.Equal([IPAddress.Parse("fd00::12")], Addresses(response));
        Assert.All(response.AnswerRecords, record => Assert.IsType<AaaaRecord>(record));
    }

    [Fact]
    public void FarmName_WildcardAndMappedAddresses_NeverHandedOut()
    {
        ImmutableArray<NodeAdvert> nodes =
        [
            new("node-1", [new IPEndPoint(IPAddress.Any, 1080), new IPEndPoint(IPAddress.Parse("::ffff:127.0.0.11"), 1080)], null, NodeAdvert.SocksRole, true),
            new("node-2", [new IPEndPoint(IPAddress.IPv6Any, 1080)], null, NodeAdvert.SocksRole, true),
        ];

        Assert.Equal([IPAddress.Parse("127.0.0.11")], Addresses(Ask("socks.farm.test", RecordType.A, nodes)));
        AssertNoData(Ask("socks.farm.test", RecordType.Aaaa, nodes));
    }

    [Fact]
    public void FarmName_SnapshotOrder_DoesNotChangeTheAnswer()
    {
        var other = new FarmZone(new DnsOptions());

        var forward = Addresses(Ask("socks.farm.test", RecordType.A, Farms.ThreeNodes()));
        var reversed = Addresses(Ask(other, "socks.farm.test", RecordType.A, [.. Farms.ThreeNodes().Reverse()]));

        Assert.Equal(forward, reversed);
    }

    [Fact]
    public void NodeName_A_AnsweredWhateverTheHealth()
    {
        var response = Ask("node-2.nodes.farm.test", RecordType.A, Farms.ThreeNodes(unhealthy: 2));

        Assert.Equal(ReturnCode.NoError, response.ReturnCode);
        Assert.True(response.IsAuthoritiveAnswer);
        Assert.Equal([IPAddress.Parse("127.0.0.12")], Addresses(response));
    }

    [Fact]
    public void NodeName_Aaaa_ForIPv6NodeAndNoDataForIPv4Node()
    {
        ImmutableArray<NodeAdvert> nodes = [Farms.Node(1), DualStack("node-2", "127.0.0.12", "fd00::12")];

        Assert.Equal([IPAddress.Parse("fd00::12")], Addresses(Ask("node-2.nodes.farm.test", RecordType.Aaaa, nodes)));
        AssertNoData(Ask("node-1.nodes.farm.test", RecordType.Aaaa, nodes));
    }

    [Fact]
    public void NodeName_Lighthouse_ItsMetricsAddress()
    {
        var response = Ask("lighthouse-1.nodes.farm.test", RecordType.A, Farms.ThreeNodes());

        Assert.Equal([IPAddress.Parse("127.0.0.10")], Addresses(response));
    }

    [Fact]
    public void NodeName_Unknown_NxDomainWithSoa()
    {
        var response = Ask("node-9.nodes.farm.test", RecordType.A, Farms.ThreeNodes());

        Assert.Equal(ReturnCode.NxDomain, response.ReturnCode);
        Assert.True(response.IsAuthoritiveAnswer);
        Assert.Empty(response.AnswerRecords);
        Assert.IsType<SoaRecord>(Assert.Single(response.AuthorityRecords));
    }

    [Theory]
    [InlineData("nothing.farm.test")]
    [InlineData("deeper.socks.farm.test")]
    [InlineData("a.b.nodes.farm.test")]
    [InlineData("_http._tcp.farm.test")]
    public void UnknownNameInZone_NxDomain(string name)
    {
        var response = Ask(name, RecordType.A, Farms.ThreeNodes());

        Assert.Equal(ReturnCode.NxDomain, response.ReturnCode);
        Assert.IsType<SoaRecord>(Assert.Single(response.AuthorityRecords));
    }

    [Fact]
    public void NodeName_InvalidLabelFromCluster_Ignored()
    {
        ImmutableArray<NodeAdvert> nodes = [Farms.Node(1), Farms.Node(2) with { Name = "bad_name" }, Farms.Node(3) with { Name = "" }];

        Assert.Equal([IPAddress.Parse("127.0.0.11")], Addresses(Ask("socks.farm.test", RecordType.A, nodes)));
        Assert.Single(Ask("_socks._tcp.farm.test", RecordType.Srv, nodes).AnswerRecords);
    }

    [Fact]
    public void SocksSrv_HealthyNodesByNodeNameWithGlue()
    {
        var response = Ask("_socks._tcp.farm.test", RecordType.Srv, Farms.ThreeNodes(unhealthy: 3));

        Assert.Equal(ReturnCode.NoError, response.ReturnCode);
        var services = response.AnswerRecords.Cast<SrvRecord>().ToList();
        Assert.Equal(["node-1.nodes.farm.test", "node-2.nodes.farm.test"], services.Select(srv => srv.Target.Text()));
        Assert.All(services, srv => Assert.Equal(Farms.SocksPort, srv.Port));
        Assert.Equal(
            ["node-1.nodes.farm.test 127.0.0.11", "node-2.nodes.farm.test 127.0.0.12"],
            response.AdditionalRecords.OfType<ARecord>().Select(a => $"{a.Name.Text()} {a.Address}"));
    }

    [Fact]
    public void MetricsSrv_EveryMemberWithMetricsWhateverTheHealth()
    {
        var response = Ask("_metrics._tcp.farm.test", RecordType.Srv, Farms.ThreeNodes(unhealthy: 2));

        var services = response.AnswerRecords.Cast<SrvRecord>().ToList();
        Assert.Equal(
            ["lighthouse-1.nodes.farm.test", "node-1.nodes.farm.test", "node-2.nodes.farm.test", "node-3.nodes.farm.test"],
            services.Select(srv => srv.Target.Text()));
        Assert.All(services, srv => Assert.Equal(Farms.MetricsPort, srv.Port));
    }

    [Fact]
    public void Srv_AskedForA_NoData()
    {
        AssertNoData(Ask("_socks._tcp.farm.test", RecordType.A, Farms.ThreeNodes()));
    }

    [Fact]
    public void Apex_Soa()
    {
        var response = Ask("farm.test", RecordType.Soa, Farms.ThreeNodes());

        var soa = Assert.IsType<SoaRecord>(Assert.Single(response.AnswerRecords));
        Assert.Equal("ns1.farm.test", soa.MasterName.Text());
        Assert.Equal("hostmaster.farm.test", soa.ResponsibleName.Text());
        Assert.Equal(5, soa.NegativeCachingTTL);
        Assert.True(response.IsAuthoritiveAnswer);
    }

    [Fact]
    public void Apex_Ns_WithInZoneGlueFromListenAddress()
    {
        var response = Ask("farm.test", RecordType.Ns, Farms.ThreeNodes());

        var ns = Assert.IsType<NsRecord>(Assert.Single(response.AnswerRecords));
        Assert.Equal("ns1.farm.test", ns.NameServer.Text());
        var glue = Assert.IsType<ARecord>(Assert.Single(response.AdditionalRecords));
        Assert.Equal(IPAddress.Loopback, glue.Address);
        Assert.Equal([IPAddress.Loopback], Addresses(Ask("ns1.farm.test", RecordType.A, Farms.ThreeNodes())));
    }

    [Fact]
    public void NameServers_Configured_ServedWithTheirAddresses()
    {
        var zone = new FarmZone(new DnsOptions
        {
            NameServers =
            [
                new DnsNameServerOptions { Name = "lh1.ns.farm.test", Addresses = ["10.0.0.5"] },
                new DnsNameServerOptions { Name = "lighthouse.example.net" },
            ],
        });

        var ns = Ask(zone, "farm.test", RecordType.Ns, Farms.ThreeNodes());

        Assert.Equal(["lh1.ns.farm.test", "lighthouse.example.net"], ns.AnswerRecords.Cast<NsRecord>().Select(record => record.NameServer.Text()));
        Assert.Equal([IPAddress.Parse("10.0.0.5")], Addresses(Ask(zone, "lh1.ns.farm.test", RecordType.A, Farms.ThreeNodes())));
        AssertNoData(Ask(zone, "ns.farm.test", RecordType.A, Farms.ThreeNodes()));
    }

    [Theory]
    [InlineData("nodes.farm.test")]
    [InlineData("_tcp.farm.test")]
    public void EmptyNonTerminal_NoData(string name)
    {
        AssertNoData(Ask(name, RecordType.A, Farms.ThreeNodes()));
    }

    [Theory]
    [InlineData("socks.farm.test", RecordType.Txt)]
    [InlineData("farm.test", RecordType.Mx)]
    [InlineData("node-1.nodes.farm.test", RecordType.Srv)]
    [InlineData("socks.farm.test", RecordType.CName)]
    public void ExistingNameOtherType_NoData(string name, RecordType type)
    {
        AssertNoData(Ask(name, type, Farms.ThreeNodes()));
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("notfarm.test")]
    [InlineData("test")]
    [InlineData(".")]
    public void OutsideTheZone_RefusedWithoutAuthority(string name)
    {
        var response = Ask(name, RecordType.A, Farms.ThreeNodes());

        Assert.Equal(ReturnCode.Refused, response.ReturnCode);
        Assert.False(response.IsAuthoritiveAnswer);
        Assert.False(response.IsRecursionAllowed);
        Assert.Empty(response.AnswerRecords);
        Assert.Empty(response.AuthorityRecords);
    }

    [Fact]
    public void OutsideTheZone_RecursionDesired_StillRefused()
    {
        var query = Query("example.com", RecordType.A);
        query.IsRecursionDesired = true;

        var response = _zone.Respond(query, Farms.ThreeNodes());

        Assert.Equal(ReturnCode.Refused, response.ReturnCode);
        Assert.True(response.IsRecursionDesired);
        Assert.False(response.IsRecursionAllowed);
    }

    [Theory]
    [InlineData("SOCKS.FARM.TEST")]
    [InlineData("Socks.Farm.Test")]
    public void Names_CaseInsensitive_QuestionCaseEchoed(string name)
    {
        var response = Ask(name, RecordType.A, Farms.ThreeNodes());

        Assert.Equal(3, Addresses(response).Count);
        Assert.Equal(name, response.Questions[0].Name.Text());
        Assert.Equal(["127.0.0.12"], Addresses(Ask("NODE-2.Nodes.FARM.test", RecordType.A, Farms.ThreeNodes())).Select(address => address.ToString()));
    }

    [Fact]
    public void ChaosClass_Refused()
    {
        var response = _zone.Respond(Query("socks.farm.test", RecordType.Txt, RecordClass.Chaos), Farms.ThreeNodes());

        Assert.Equal(ReturnCode.Refused, response.ReturnCode);
    }

    [Fact]
    public void TwoQuestions_FormatError()
    {
        var query = Query("socks.farm.test", RecordType.A);
        query.Questions.Add(new DnsQuestion(DomainName.Parse("socks.farm.test"), RecordType.Aaaa, RecordClass.INet));

        var response = _zone.Respond(query, Farms.ThreeNodes());

        Assert.Equal(ReturnCode.FormatError, response.ReturnCode);
        Assert.Empty(response.AnswerRecords);
    }

    [Fact]
    public void NoQuestion_FormatError()
    {
        var response = _zone.Respond(new DnsMessage { TransactionID = 42 }, Farms.ThreeNodes());

        Assert.Equal(ReturnCode.FormatError, response.ReturnCode);
        Assert.Equal(42, response.TransactionID);
    }

    [Fact]
    public void NameOver255Octets_FormatError()
    {
        // DomainName.Parse refuses such a name, but the library's wire parser builds it from labels like this.
        var name = new DomainName([.. Enumerable.Repeat(new string('a', 63), 4), "farm", "test"]);
        var query = new DnsMessage { IsQuery = true };
        query.Questions.Add(new DnsQuestion(name, RecordType.A, RecordClass.INet));

        Assert.Equal(ReturnCode.FormatError, _zone.Respond(query, Farms.ThreeNodes()).ReturnCode);
    }

    [Fact]
    public void ResponseSentAsQuery_FormatError()
    {
        var query = Query("socks.farm.test", RecordType.A);
        query.IsQuery = false;

        Assert.Equal(ReturnCode.FormatError, _zone.Respond(query, Farms.ThreeNodes()).ReturnCode);
    }

    [Theory]
    [InlineData(OperationCode.Notify)]
    [InlineData(OperationCode.Status)]
    [InlineData(OperationCode.Update)]
    public void OtherOpcode_NotImplemented(OperationCode opcode)
    {
        var query = Query("socks.farm.test", RecordType.A);
        query.OperationCode = opcode;

        Assert.Equal(ReturnCode.NotImplemented, _zone.Respond(query, Farms.ThreeNodes()).ReturnCode);
    }

    [Fact]
    public void UpdateMessage_NotImplemented()
    {
        var update = new DnsUpdateMessage { TransactionID = 7, ZoneName = DomainName.Parse("farm.test") };

        var response = _zone.Respond(update, Farms.ThreeNodes());

        Assert.Equal(ReturnCode.NotImplemented, response.ReturnCode);
        Assert.Equal(7, response.TransactionID);
        Assert.False(response.IsQuery);
    }

    [Fact]
    public void Edns_PayloadCappedAndVersionOneRejected()
    {
        var query = Query("socks.farm.test", RecordType.A);
        query.IsEDnsEnabled = true;
        query.EDnsOptions!.UdpPayloadSize = 4096;

        var response = _zone.Respond(query, Farms.ThreeNodes());
        Assert.Equal(1232, response.EDnsOptions!.UdpPayloadSize);
        Assert.Equal(ReturnCode.NoError, response.ReturnCode);

        query.EDnsOptions.Version = 1;
        Assert.Equal(ReturnCode.BadVersion, _zone.Respond(query, Farms.ThreeNodes()).ReturnCode);
    }

    [Fact]
    public void OtherDomainAndFarmName_FromOptions()
    {
        var zone = new FarmZone(new DnsOptions { Domain = "proxy.corp.example", FarmName = "farm", Ttl = TimeSpan.FromSeconds(30) });

        var response = Ask(zone, "farm.proxy.corp.example", RecordType.A, Farms.ThreeNodes());

        Assert.Equal(3, response.AnswerRecords.Count);
        Assert.All(response.AnswerRecords, record => Assert.Equal(30, record.TimeToLive));
        Assert.Equal(ReturnCode.Refused, Ask(zone, "socks.farm.test", RecordType.A, Farms.ThreeNodes()).ReturnCode);
    }

    private static NodeAdvert DualStack(string name, string v4, string v6) =>
        new(name, [new IPEndPoint(IPAddress.Parse(v4), 1080), new IPEndPoint(IPAddress.Parse(v6), 1080)], null, NodeAdvert.SocksRole, true);

    private static void AssertNoData(DnsMessage response)
    {
        Assert.Equal(ReturnCode.NoError, response.ReturnCode);
        Assert.True(response.IsAuthoritiveAnswer);
        Assert.Empty(response.AnswerRecords);
        var soa = Assert.IsType<SoaRecord>(Assert.Single(response.AuthorityRecords));
        Assert.Equal("farm.test", soa.Name.Text());
    }

    private static List<IPAddress> Addresses(DnsMessage response) =>
        [.. response.AnswerRecords.OfType<AddressRecordBase>().Select(record => record.Address)];

    private static List<string> Sorted(IEnumerable<IPAddress> addresses) =>
        [.. addresses.Select(address => address.ToString()).Order(StringComparer.Ordinal)];

    private DnsMessage Ask(string name, RecordType type, ImmutableArray<NodeAdvert> nodes) => Ask(_zone, name, type, nodes);

    private static DnsMessage Ask(FarmZone zone, string name, RecordType type, ImmutableArray<NodeAdvert> nodes) =>
        zone.Respond(Query(name, type), nodes);

    private static DnsMessage Query(string name, RecordType type, RecordClass recordClass = RecordClass.INet)
    {
        var query = new DnsMessage { IsQuery = true, OperationCode = OperationCode.Query };
        query.Questions.Add(new DnsQuestion(DomainName.Parse(name), type, recordClass));
        return query;
    }
}
