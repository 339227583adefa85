using Farm.Shared.Cluster.Tls;
using Farm.Tests.Shared;

namespace Farm.Shared.Tests.Cluster;

public sealed class PresentedCertificatesTests
{
    [Fact]
    public void AFloodOfSilentConnections_NeverHoldsMoreThanTheCap_AndTheNewestAreKept()
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(TestCertificates.Farm.Certificate);
        var presented = new PresentedCertificates();
        for (var port = 1; port <= PresentedCertificates.Cap * 3; port++)
        {
            presented.Record($"127.0.0.1:{port}", certificate);
            Assert.True(presented.Count <= PresentedCertificates.Cap, $"{presented.Count} entries after {port} connections");
        }

        Assert.NotNull(presented.Take(Akka.Actor.Address.Parse($"akka.ssl.tcp://farm@127.0.0.1:{PresentedCertificates.Cap * 3}")));
    }
}
