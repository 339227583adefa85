using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Configuration;
using Farm.Shared.Cluster.Tls;
using Farm.Shared.Replication;
using Farm.Shared.Replication.Signing;
using Farm.Tests.Shared;

namespace Farm.Shared.Tests.Replication.Signing;

/// <summary>Which policy writes the arbiter takes on an operator's word: signed by an operator (or lighthouse) certificate of the farm, over exactly that write.</summary>
public sealed class OperatorSignatureTests
{
    private const string Text = "pass any to any\n";

    private static readonly X509Certificate2 Authority = X509CertificateLoader.LoadCertificateFromFile(TestCertificates.Farm.Ca);

    private static X509Certificate2 KeyOf(TestCertificateSet set) => X509Certificate2.CreateFromPemFile(set.Certificate, set.Key);

    [Fact]
    public void SignedByAnOperatorCertificateOfTheFarm_AuthorisesExactlyThatWrite()
    {
        using var key = KeyOf(TestCertificates.Operator);
        var signed = OperatorSignature.Sign(key, OperatorSignature.Apply, Text, 4, "n1", "alice");

        Assert.Null(signed.Problem(OperatorSignature.Apply, Text, 4, "n1", "alice", false, Authority));
        Assert.Equal("the operator signature by CN=operator-member does not match this write", signed.Problem(OperatorSignature.Apply, Text + "pass udp\n", 4, "n1", "alice", false, Authority));
        Assert.NotNull(signed.Problem(OperatorSignature.Apply, Text, 5, "n1", "alice", false, Authority));
        Assert.NotNull(signed.Problem(OperatorSignature.Apply, Text, 4, "n1", "mallory", false, Authority));
        Assert.Equal("the operator signature by CN=operator-member does not match this write", signed.Problem(OperatorSignature.Apply, Text, 4, "n1", "alice", true, Authority));
        Assert.NotNull((signed with { Nonce = "n2" }).Problem(OperatorSignature.Apply, Text, 4, "n2", "alice", false, Authority));
        Assert.NotNull((signed with { Kind = "rollback" }).Problem("rollback", Text, 4, "n1", "alice", false, Authority));
    }

    [Fact]
    public void ASignatureWhoseKindOrNonceIsNotTheWrites_AuthorisesNothing()
    {
        using var key = KeyOf(TestCertificates.Operator);
        var signed = OperatorSignature.Sign(key, OperatorSignature.Apply, Text, 4, "n1", "alice");
        const string Other = "the operator signature is for another write (its kind or nonce differ from the write's)";

        Assert.Equal(Other, signed.Problem(OperatorSignature.Apply, Text, 4, "n2", "alice", false, Authority));
        Assert.Equal(Other, signed.Problem("rollback", Text, 4, "n1", "alice", false, Authority));
        Assert.Equal(Other, (signed with { Nonce = "n2" }).Problem(OperatorSignature.Apply, Text, 4, "n1", "alice", false, Authority));
    }

    [Fact]
    public void ASignatureOverAMembersOwnFile_AuthorisesOnlyThatFileWrite()
    {
        using var key = KeyOf(TestCertificates.Operator);
        var signed = OperatorSignature.Sign(key, OperatorSignature.Apply, Text, 4, "n1", "alice", fromLocalFile: true);

        Assert.Null(signed.Problem(OperatorSignature.Apply, Text, 4, "n1", "alice", true, Authority));
        Assert.Equal("the operator signature by CN=operator-member does not match this write", signed.Problem(OperatorSignature.Apply, Text, 4, "n1", "alice", false, Authority));
    }

    [Fact]
    public void SignedByASocksCertificateOfTheFarm_AuthorisesNothing()
    {
        using var key = KeyOf(TestCertificates.FarmSocksOnly);
        var signed = OperatorSignature.Sign(key, OperatorSignature.Apply, Text, 4, "n1", "mallory");

        Assert.Equal("the certificate CN=farm-socks-member is not issued for role 'operator'", signed.Problem(OperatorSignature.Apply, Text, 4, "n1", "mallory", false, Authority));
    }

    [Fact]
    public void SignedByACertificateOfAnotherCa_AuthorisesNothing()
    {
        using var key = KeyOf(TestCertificates.Rogue);
        var signed = OperatorSignature.Sign(key, OperatorSignature.Apply, Text, 4, "n1", "mallory");

        Assert.Contains("is not vouched for by the farm's CA", signed.Problem(OperatorSignature.Apply, Text, 4, "n1", "mallory", false, Authority), StringComparison.Ordinal);
    }

    [Fact]
    public void AnOperatorCertificate_OpensNoRemotingConnection()
    {
        using var certificate = X509CertificateLoader.LoadCertificateFromFile(TestCertificates.Operator.Certificate);

        Assert.Equal("certificate CN=operator-member names no member role (lighthouse, socks)", FarmCertificateValidator.Problem(certificate, System.Net.Security.SslPolicyErrors.None, Authority));
    }

    [Fact]
    public void TheSignature_CrossesTheNetworkWithTheWrite()
    {
        using var system = ActorSystem.Create("operator-signature", ConfigurationFactory.Empty);
        var serializer = new PolicyArbiterSerializer((ExtendedActorSystem)system);
        using var key = KeyOf(TestCertificates.Operator);
        var signed = OperatorSignature.Sign(key, OperatorSignature.Apply, Text, 4, "n1", "alice");
        var write = new ApplyPolicy(Text, "alice", 4, "akka.ssl.tcp://farm@127.0.0.1:4055", "n1", TimeSpan.FromSeconds(5), Operator: signed);

        var read = Assert.IsType<ApplyPolicy>(serializer.FromBinary(serializer.ToBinary(write), PolicyArbiterSerializer.ApplyManifest));

        Assert.NotNull(read.Operator);
        Assert.Null(read.Operator.Problem(OperatorSignature.Apply, read.Text, read.Expected, read.Nonce, read.Author, read.FromLocalFile, Authority));
        var unsigned = Assert.IsType<ApplyPolicy>(serializer.FromBinary(serializer.ToBinary(write with { Operator = null }), PolicyArbiterSerializer.ApplyManifest));
        Assert.Null(unsigned.Operator);
    }
}
