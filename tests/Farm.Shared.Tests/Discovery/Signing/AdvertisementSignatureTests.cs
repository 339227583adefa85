using System.Net;
using Farm.Shared.Cluster.Tls;
using Farm.Shared.Discovery;
using Farm.Shared.Discovery.Signing;
using Farm.Tests.Shared;

namespace Farm.Shared.Tests.Discovery.Signing;

/// <summary>Which entries of the farm-nodes map a reader uses: signed by the member they are stored under, with a certificate from the farm's CA naming its role and every address.</summary>
public sealed class AdvertisementSignatureTests
{
    private const string Node7 = "akka.ssl.tcp://farm@127.0.0.7:4054#42";

    private static readonly NodeAdvertisement Node = new("node7", "socks", [IPEndPoint.Parse("127.0.0.7:1080")], IPEndPoint.Parse("127.0.0.7:9464"), Draining: false);

    private static readonly TestCertificateSet Node7Certificate = TestCertificates.FarmFor("adv-node7", ["127.0.0.7"], "socks");

    private static ClusterTlsMaterial Material(TestCertificateSet set) =>
        ClusterTlsMaterial.Load(new ClusterTlsOptions { Certificate = set.Certificate, Key = set.Key, Ca = set.Ca });

    private static AdvertisementTrust Reader => new(Material(TestCertificates.Farm));

    private static NodeAdvertisement SignedBy(TestCertificateSet set, NodeAdvertisement advertisement, string key = Node7) =>
        new AdvertisementTrust(Material(set)).Sign(advertisement, key);

    [Fact]
    public void SignedByTheMemberItIsStoredUnder_NamingEveryAddress_IsTrusted()
    {
        Assert.Null(Reader.Problem(SignedBy(Node7Certificate, Node), Node7));
    }

    [Fact]
    public void Unsigned_IsRefused()
    {
        Assert.Equal(AdvertisementProblem.Unsigned, Reader.Problem(Node, Node7)?.Reason);
    }

    [Fact]
    public void SignedByAnotherCa_IsRefused()
    {
        Assert.Equal(AdvertisementProblem.Certificate, Reader.Problem(SignedBy(TestCertificates.Rogue, Node), Node7)?.Reason);
    }

    [Fact]
    public void SignedThenChanged_OrMovedToAnotherKey_IsRefused()
    {
        var signed = SignedBy(Node7Certificate, Node);

        Assert.Equal(AdvertisementProblem.Signature, Reader.Problem(signed with { Socks = [IPEndPoint.Parse("127.0.0.7:1081")] }, Node7)?.Reason);
        Assert.Equal(AdvertisementProblem.Signature, Reader.Problem(signed with { Draining = true }, Node7)?.Reason);
        Assert.Equal(AdvertisementProblem.Signature, Reader.Problem(signed, "akka.ssl.tcp://farm@127.0.0.7:4054#43")?.Reason);
    }

    [Fact]
    public void SignedByAMemberWhoseCertificateDoesNotNameTheKeysHost_IsRefused()
    {
        const string other = "akka.ssl.tcp://farm@127.0.0.8:4054#42";

        var problem = Reader.Problem(SignedBy(Node7Certificate, Node, other), other);

        Assert.Equal(AdvertisementProblem.Member, problem?.Reason);
        Assert.Contains("does not name the member it is stored under", problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AdvertisingARoleTheCertificateIsNotIssuedFor_IsRefused()
    {
        Assert.Equal(AdvertisementProblem.Role, Reader.Problem(SignedBy(Node7Certificate, Node with { Role = "lighthouse" }), Node7)?.Reason);
    }

    [Fact]
    public void AdvertisingAnAddressTheCertificateDoesNotName_IsRefused_LoopbackIncluded()
    {
        var elsewhere = Reader.Problem(SignedBy(Node7Certificate, Node with { Socks = [IPEndPoint.Parse("127.0.0.8:1080")] }), Node7);
        var loopbackMetrics = Reader.Problem(SignedBy(Node7Certificate, Node with { Metrics = IPEndPoint.Parse("127.0.0.1:9464") }), Node7);

        Assert.Equal(AdvertisementProblem.Address, elsewhere?.Reason);
        Assert.Equal("it advertises 127.0.0.8:1080, which its certificate CN=adv-node7-member does not name", elsewhere!.Detail);
        Assert.Equal(AdvertisementProblem.Address, loopbackMetrics?.Reason);
    }

    [Fact]
    public void Publishable_LeavesOutTheAddressesTheMembersCertificateDoesNotName()
    {
        var trust = new AdvertisementTrust(Material(Node7Certificate));

        var published = trust.Publishable(Node with { Socks = [IPEndPoint.Parse("127.0.0.7:1080"), IPEndPoint.Parse("127.0.0.8:1080")], Metrics = IPEndPoint.Parse("127.0.0.1:9464") }, out var dropped);

        Assert.Equal([IPEndPoint.Parse("127.0.0.7:1080")], published.Socks);
        Assert.Null(published.Metrics);
        Assert.Equal([IPEndPoint.Parse("127.0.0.8:1080"), IPEndPoint.Parse("127.0.0.1:9464")], dropped);
        Assert.Null(Reader.Problem(trust.Sign(published, Node7), Node7));
    }

    [Fact]
    public void Off_SignsNothingAndRefusesNothing()
    {
        Assert.Same(Node, AdvertisementTrust.Off.Sign(Node, Node7));
        Assert.Null(AdvertisementTrust.Off.Problem(Node, Node7));
    }
}
