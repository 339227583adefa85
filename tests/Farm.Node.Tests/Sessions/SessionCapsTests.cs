using System.Net;
using Farm.Node.Options;
using Farm.Node.Sessions;
using Farm.Node.Sources;

namespace Farm.Node.Tests.Sessions;

public sealed class SessionCapsTests
{
    [Fact]
    public void LowDescriptorLimit_LowersTheSessionCap_TwoPerSessionAfterTheReserve()
    {
        var caps = SessionCaps.From(new SocksOptions(), descriptorLimit: 512);

        Assert.Equal(128, caps.MaxSessions);
        Assert.Equal(12, caps.MaxSessionsPerSource);
        Assert.Equal(64, caps.MaxPendingHandshakesPerSource);
    }

    [Fact]
    public void HighDescriptorLimit_KeepsTheConfiguredCap()
    {
        var caps = SessionCaps.From(new SocksOptions { MaxSessions = 20_000, MaxSessionsPerSource = 300 }, descriptorLimit: 1_048_576);

        Assert.Equal(20_000, caps.MaxSessions);
        Assert.Equal(300, caps.MaxSessionsPerSource);
    }

    [Fact]
    public void PolicyLimit_ReplacesTheConfiguredCap_ButNotAboveTheDescriptors()
    {
        var caps = SessionCaps.From(new SocksOptions { MaxSessions = 100 }, descriptorLimit: 1256);

        Assert.Equal(100, caps.Enforced(null));
        Assert.Equal(400, caps.Enforced(400));
        Assert.Equal(500, caps.Enforced(9_999));
    }

    [Fact]
    public void SourceConnections_CapOpenAndPendingPerSource_AndGiveBackOnClose()
    {
        var sources = new SourceConnections(maxOpen: 3, maxPending: 2);
        var hog = IPAddress.Parse("10.0.0.2");

        Assert.Equal(SourceAdmission.Admitted, sources.TryOpen(hog));
        Assert.Equal(SourceAdmission.Admitted, sources.TryOpen(hog));
        Assert.Equal(SourceAdmission.OverHandshakeCap, sources.TryOpen(hog));
        Assert.Equal(SourceAdmission.Admitted, sources.TryOpen(IPAddress.Parse("10.0.0.3")));

        sources.HandshakeDone(hog);
        Assert.Equal(SourceAdmission.Admitted, sources.TryOpen(hog));
        Assert.Equal(SourceAdmission.OverSessionCap, sources.TryOpen(hog));

        sources.Closed(hog, handshakePending: false);
        sources.Closed(hog, handshakePending: true);
        sources.Closed(hog, handshakePending: true);
        Assert.Equal(0, sources.OpenFrom(hog));
    }
}
