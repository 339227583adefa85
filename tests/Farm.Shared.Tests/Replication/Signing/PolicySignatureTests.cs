using System.Security.Cryptography.X509Certificates;
using Farm.Shared.Cluster.Tls;
using Farm.Shared.Replication;
using Farm.Shared.Replication.Signing;
using Farm.Tests.Shared;

namespace Farm.Shared.Tests.Replication.Signing;

/// <summary>Which policy versions a member trusts: signed by a lighthouse-role certificate from the farm's CA, unchanged since.</summary>
public sealed class PolicySignatureTests
{
    private static readonly PolicyEnvelope Version1 = new PolicyEnvelope("block any to any\n", 1, "seed:default", DateTimeOffset.UnixEpoch, Writer: "akka.ssl.tcp://farm@127.0.0.1:4053", Nonce: "n1");

    private static readonly PolicyEnvelope Version2 = Version1.Successor("pass any to any\n", "alice", DateTimeOffset.UnixEpoch.AddHours(1), "akka.ssl.tcp://farm@127.0.0.1:4053", "n2")!;

    private static ClusterTlsMaterial Material(TestCertificateSet set) =>
        ClusterTlsMaterial.Load(new ClusterTlsOptions { Certificate = set.Certificate, Key = set.Key, Ca = set.Ca });

    private static PolicyTrust FarmMember => new(Material(TestCertificates.FarmSocksOnly), selfWrites: false);

    [Fact]
    public void SignedByALighthouseCertificateOfTheFarm_IsTrusted()
    {
        var lighthouse = new PolicyTrust(Material(TestCertificates.Farm), selfWrites: false);

        var signed = lighthouse.Sign(Version2);

        Assert.Null(FarmMember.Problem(signed));
        Assert.Equal(Version2.Digest(), signed.Digest());
    }

    [Fact]
    public void Unsigned_IsNotTrusted()
    {
        Assert.Equal("it is not signed", FarmMember.Problem(Version2));
    }

    [Fact]
    public void SignedByASocksCertificateOfTheFarm_IsNotTrusted()
    {
        var signed = new PolicyTrust(Material(TestCertificates.FarmSocksOnly), selfWrites: false).Sign(Version2);

        Assert.Equal("its signer CN=farm-socks-member is not issued for role 'lighthouse'", FarmMember.Problem(signed));
    }

    [Fact]
    public void SignedByALighthouseCertificateOfAnotherCa_IsNotTrusted()
    {
        var signed = new PolicyTrust(Material(TestCertificates.Rogue), selfWrites: false).Sign(Version2);

        Assert.Equal("its signer CN=rogue-member is not vouched for by the farm's CA now", FarmMember.Problem(signed));
    }

    [Fact]
    public void SignedThenChanged_IsNotTrusted()
    {
        var signed = new PolicyTrust(Material(TestCertificates.Farm), selfWrites: false).Sign(Version2);

        Assert.Equal("its signature by CN=farm-member does not match it", FarmMember.Problem(signed with { Text = "pass any to any name everything\n" }));
        Assert.Equal("its signature by CN=farm-member does not match it", FarmMember.Problem(signed with { Version = 7 }));
        Assert.Equal("its signature by CN=farm-member does not match it", FarmMember.Problem(signed with { Ancestors = [] }));
    }

    [Fact]
    public void SignerCertificateThatIsNotOne_IsNotTrusted()
    {
        var signed = new PolicyTrust(Material(TestCertificates.Farm), selfWrites: false).Sign(Version2);

        Assert.Equal("its signer certificate cannot be read", FarmMember.Problem(signed with { SignerCertificate = [0x30, 0x03, 0x02, 0x01, 0x01] }));
    }

    /// <summary>A node without seeds hosts its own arbiter: its own socks certificate signs, another socks certificate does not.</summary>
    [Fact]
    public void MemberWithoutSeeds_TrustsItsOwnCertificate_NotAnotherSocksOne()
    {
        var standalone = new PolicyTrust(Material(TestCertificates.FarmSocksOnly), selfWrites: true);
        var other = new PolicyTrust(Material(TestCertificates.FarmFor("other-socks", ["127.0.0.1"], "socks")), selfWrites: false);

        Assert.Null(standalone.Problem(standalone.Sign(Version2)));
        Assert.Equal("its signer CN=other-socks-member is not issued for role 'lighthouse'", standalone.Problem(other.Sign(Version2)));
    }

    [Fact]
    public void WithClusterTlsOff_NothingIsSignedOrChecked()
    {
        Assert.Same(Version2, PolicyTrust.Off.Sign(Version2));
        Assert.Null(PolicyTrust.Off.Problem(Version2));
    }

    /// <summary>A chained certificate still needs the caller's consent to write (its role).</summary>
    [Fact]
    public void ChainedSigner_IsTrustedOnlyWhenItMayWrite()
    {
        using var ca = X509CertificateLoader.LoadCertificateFromFile(TestCertificates.Farm.Ca);
        var signed = new PolicyTrust(Material(TestCertificates.Farm), selfWrites: false).Sign(Version2);

        Assert.Null(PolicySignature.Problem(signed, ca, _ => true));
        Assert.Equal("its signer CN=farm-member is not issued for role 'lighthouse'", PolicySignature.Problem(signed, ca, _ => false));
    }
}
