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
    public void MeasuredAtStart_TheReserveIsWhatTheNodeHoldsPlusAMargin_TheConfiguredReserveAFloor()
    {
        var options = new SocksOptions();

        var busy = SessionCaps.From(options, descriptorLimit: 1024, openAtStart: 150);
        Assert.Equal(150 + SessionCaps.Margin, busy.Reserve);
        Assert.Equal((1024 - 150 - SessionCaps.Margin) / 2, busy.MaxSessions);
        Assert.Matches($@"open-files limit 1024 \(reserve {150 + SessionCaps.Margin}: 150 open at start \+ {SessionCaps.Margin} margin, floor Farm:Socks:DescriptorReserve 256\): sessions {busy.MaxSessions} ", busy.Describe(options));

        // The margin (dial places included) is above the default floor of 256: a higher floor shows it.
        var quiet = SessionCaps.From(new SocksOptions { DescriptorReserve = 512 }, descriptorLimit: 1024, openAtStart: 10);
        Assert.Equal(512, quiet.Reserve);
        Assert.Equal((1024 - 512) / 2, quiet.MaxSessions);
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

        var first = Admitted(sources, hog);
        var second = Admitted(sources, hog);
        Assert.Null(sources.TryOpen(hog, 0, out var admission));
        Assert.Equal(SourceAdmission.OverHandshakeCap, admission);
        var other = Admitted(sources, IPAddress.Parse("10.0.0.3"));

        first.HandshakeDone();
        var third = Admitted(sources, hog);
        Assert.Null(sources.TryOpen(hog, 0, out admission));
        Assert.Equal(SourceAdmission.OverSessionCap, admission);

        first.Close();
        second.Close();
        third.Close();
        Assert.Equal(0, sources.OpenFrom(hog));
        Assert.Equal(1, sources.Sources);
        other.Close();
        Assert.Equal(0, sources.Sources);
    }

    [Fact]
    public void SourceTicket_EveryReleaseTwiceOrInAnyOrder_GivesBackOnlyWhatItTook()
    {
        var sources = new SourceConnections(maxOpen: 2, maxPending: 1);
        var hog = IPAddress.Parse("10.0.0.2");

        var ticket = Admitted(sources, hog);
        ticket.HandshakeDone();
        ticket.HandshakeDone();
        var held = Admitted(sources, hog);
        ticket.Close();
        ticket.Close();
        ticket.HandshakeDone();

        // The held connection is still counted, with its handshake: nothing was given back twice.
        Assert.Equal(1, sources.OpenFrom(hog));
        Assert.Null(sources.TryOpen(hog, 0, out var admission));
        Assert.Equal(SourceAdmission.OverHandshakeCap, admission);
        held.Close();
        held.HandshakeDone();
        Assert.Equal(0, sources.Sources);
        Admitted(sources, hog).Close();
    }

    private static SourceTicket Admitted(SourceConnections sources, IPAddress source)
    {
        var ticket = sources.TryOpen(source, 0, out var admission);
        Assert.Equal(SourceAdmission.Admitted, admission);
        return Assert.IsType<SourceTicket>(ticket);
    }
}
