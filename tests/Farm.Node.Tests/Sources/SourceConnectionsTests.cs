using System.Net;
using Farm.Node.Relaying;
using Farm.Node.Sources;
using Farm.Shared.Net;
using Microsoft.Extensions.Time.Testing;

namespace Farm.Node.Tests.Sources;

/// <summary>
/// Issue 16 F4, F1, F2: while the node is full, a newcomer under its fair share takes the place of the
/// oldest unfinished handshake of the source over its share holding the most, else of its longest-idle
/// relay idle long enough, never of a connection between the two; sources group by prefix, loopback as one.
/// </summary>
public sealed class SourceConnectionsTests
{
    private static readonly IPAddress Legit = IPAddress.Parse("192.0.2.10");

    [Fact]
    public void NodeFull_NewcomerEvictsOldestPendingOfTheSourceHoldingMost()
    {
        var sources = new SourceConnections(maxOpen: 10, maxPending: 10);
        var small = IPAddress.Parse("198.51.100.1");
        var big = IPAddress.Parse("198.51.100.2");
        var smallFirst = Admitted(sources, small, 1);
        var bigOldest = Admitted(sources, big, 2);
        Admitted(sources, big, 3);
        Admitted(sources, big, 4);

        var ticket = sources.TryOpen(Legit, 5, nodeOpen: 4, nodeCap: 4, policyCap: null, out var admission, out var evicted);

        Assert.Equal(SourceAdmission.Admitted, admission);
        Assert.NotNull(ticket);
        Assert.Same(bigOldest, evicted);
        Assert.Equal(2, sources.PendingFrom(big));
        Assert.Equal(3, sources.OpenFrom(big));
        // The evicted connection's handshake is over for it: it must end unserved.
        Assert.False(bigOldest.HandshakeDone());
        Assert.True(smallFirst.HandshakeDone());
    }

    [Fact]
    public void NodeFull_NoSourceHoldsMorePendingThanTheNewcomers_Refused()
    {
        var sources = new SourceConnections(maxOpen: 10, maxPending: 10);
        var other = IPAddress.Parse("198.51.100.1");
        Admitted(sources, other, 1);
        Admitted(sources, Legit, 2);

        Assert.Null(sources.TryOpen(Legit, 3, nodeOpen: 2, nodeCap: 2, policyCap: null, out var admission, out var evicted));
        Assert.Equal(SourceAdmission.OverNodeCap, admission);
        Assert.Null(evicted);
        Assert.Equal(1, sources.PendingFrom(other));
        Assert.Equal(1, sources.PendingFrom(Legit));
    }

    [Fact]
    public void NodeFull_RelayingSessionsThatMovedBytesLatelyAreNeverEvicted()
    {
        var sources = new SourceConnections(maxOpen: 10, maxPending: 10);
        var relaying = IPAddress.Parse("198.51.100.1");
        Relaying(sources, relaying, 1);
        Relaying(sources, relaying, 2);
        Relaying(sources, relaying, 3);
        var pending = Admitted(sources, relaying, 4);

        // Only the one pending handshake can go; the rest relay and are not idle.
        Assert.NotNull(sources.TryOpen(Legit, 5, nodeOpen: 4, nodeCap: 4, policyCap: null, out _, out var evicted));
        Assert.Same(pending, evicted);
        Assert.Null(sources.TryOpen(Legit, 6, nodeOpen: 4, nodeCap: 4, policyCap: null, out var admission, out evicted));
        Assert.Equal(SourceAdmission.OverNodeCap, admission);
        Assert.Null(evicted);
        Assert.Equal(4, sources.OpenFrom(relaying));
    }

    [Fact]
    public void NodeFull_AmongEqualSources_TheOldestHandshakeGoes()
    {
        var sources = new SourceConnections(maxOpen: 10, maxPending: 10);
        Relaying(sources, IPAddress.Parse("198.51.100.2"), 1);
        var earlier = Admitted(sources, IPAddress.Parse("198.51.100.1"), 2);
        Relaying(sources, IPAddress.Parse("198.51.100.1"), 3);
        var laterPending = Admitted(sources, IPAddress.Parse("198.51.100.2"), 4);

        sources.TryOpen(Legit, 5, nodeOpen: 4, nodeCap: 4, policyCap: null, out _, out var evicted);

        Assert.Same(earlier, evicted);
        Assert.NotSame(laterPending, evicted);
    }

    /// <summary>
    /// Outsider review att16c: a session past its handshake but still waiting for a lookup place or dialing could
    /// not be evicted, so a source held its sessions there to keep a full node. Now it goes like a handshake, the oldest first.
    /// </summary>
    [Fact]
    public void NodeFull_RequestsBeingCarriedOutAreEvictedLikeHandshakes_TheOldestFirst()
    {
        var sources = new SourceConnections(maxOpen: 10, maxPending: 10);
        var hog = IPAddress.Parse("198.51.100.1");
        var dialing = new[] { Admitted(sources, hog, 1), Admitted(sources, hog, 2), Admitted(sources, hog, 3) };
        foreach (var ticket in dialing)
        {
            Assert.True(ticket.HandshakeDone());
        }

        var handshaking = Admitted(sources, hog, 4);

        sources.TryOpen(Legit, 5, nodeOpen: 4, nodeCap: 4, policyCap: null, out var admission, out var evicted);

        Assert.Equal(SourceAdmission.Admitted, admission);
        Assert.Same(dialing[0], evicted);
        Assert.Equal(EvictionReason.PendingRequest, evicted!.EvictedFor);
        Assert.Equal(1, sources.PendingFrom(hog));

        // An evicted request never relays: it stays off the relaying list and its close gives back its connection.
        evicted.Relaying(new RelayCounters());
        evicted.Close();
        Assert.Equal(3, sources.OpenFrom(hog));
        Assert.Same(dialing[1], EvictFor(sources, IPAddress.Parse("192.0.2.11")));
        Assert.Same(dialing[2], EvictFor(sources, IPAddress.Parse("192.0.2.12")));
        Assert.Same(handshaking, EvictFor(sources, IPAddress.Parse("192.0.2.13")));
    }

    [Fact]
    public void EvictedTicket_CloseGivesBackOnlyTheConnection_AndTheSourceEntryGoes()
    {
        var sources = new SourceConnections(maxOpen: 2, maxPending: 2);
        var hog = IPAddress.Parse("198.51.100.1");
        var victim = Admitted(sources, hog, 1);
        var kept = Admitted(sources, hog, 2);
        var newcomer = sources.TryOpen(Legit, 3, nodeOpen: 2, nodeCap: 2, policyCap: null, out _, out var evicted);
        Assert.Same(victim, evicted);

        victim.Close();
        victim.Close();
        Assert.False(victim.HandshakeDone());
        Assert.Equal(1, sources.OpenFrom(hog));
        Assert.Equal(1, sources.PendingFrom(hog));
        kept.Close();
        newcomer!.Close();
        Assert.Equal(0, sources.Sources);
    }

    [Fact]
    public void NodeFull_NoHandshakeToTake_TheLongestIdleRelayOverTheShareGoes_ABusyOneStays()
    {
        var time = new FakeTimeProvider();
        var sources = new SourceConnections(10, 10, SourcePrefixLengths.PerHost, TimeSpan.FromSeconds(60), time);
        var hog = IPAddress.Parse("198.51.100.1");
        var busy = Relaying(sources, hog, 1);
        var idlest = Relaying(sources, hog, 2);
        time.Advance(TimeSpan.FromSeconds(30));
        var idle = Relaying(sources, hog, 3);
        time.Advance(TimeSpan.FromSeconds(40));
        busy.Activity.Touched(time.GetTimestamp());

        // 70 s idle, 40 s idle, 0 s idle: only the first is idle long enough.
        Assert.NotNull(sources.TryOpen(Legit, 4, nodeOpen: 3, nodeCap: 3, policyCap: null, out _, out var evicted));
        Assert.Same(idlest.Ticket, evicted);
        Assert.Equal(EvictionReason.IdleRelay, evicted!.EvictedFor);
        Assert.Null(sources.TryOpen(IPAddress.Parse("192.0.2.11"), 5, nodeOpen: 3, nodeCap: 3, policyCap: null, out var admission, out evicted));
        Assert.Equal(SourceAdmission.OverNodeCap, admission);

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.NotNull(sources.TryOpen(IPAddress.Parse("192.0.2.11"), 5, nodeOpen: 3, nodeCap: 3, policyCap: null, out _, out evicted));
        Assert.Same(idle.Ticket, evicted);

        idlest.Ticket.Close();
        idle.Ticket.Close();
        Assert.Equal(1, sources.OpenFrom(hog));
        Assert.Null(busy.Ticket.EvictedFor);
    }

    [Fact]
    public void Grouping_LoopbackIsOneSource_AndIpv4ByConfiguredPrefix()
    {
        var sources = new SourceConnections(maxOpen: 2, maxPending: 2, new SourcePrefixLengths(24, 64));
        Admitted(sources, IPAddress.Parse("127.0.1.2"), 1);
        Admitted(sources, IPAddress.Parse("127.0.1.3"), 2);
        Assert.Null(sources.TryOpen(IPAddress.IPv6Loopback, 3, out var admission));
        Assert.Equal(SourceAdmission.OverSessionCap, admission);

        Admitted(sources, IPAddress.Parse("10.1.2.3"), 4);
        Admitted(sources, IPAddress.Parse("::ffff:10.1.2.200"), 5);
        Assert.Null(sources.TryOpen(IPAddress.Parse("10.1.2.9"), 6, out admission));
        Assert.Equal(SourceAdmission.OverSessionCap, admission);
        Admitted(sources, IPAddress.Parse("10.1.3.3"), 7);
        Assert.Equal(2, sources.OpenFrom(IPAddress.Parse("10.1.2.0")));
    }

    [Fact]
    public void SourceKey_PrefixLengths_MaskTheAddress()
    {
        var wide = new SourcePrefixLengths(16, 48);

        Assert.Equal(SourceKey.Of(IPAddress.Parse("10.1.2.3"), wide), SourceKey.Of(IPAddress.Parse("10.1.200.7"), wide));
        Assert.NotEqual(SourceKey.Of(IPAddress.Parse("10.1.2.3"), wide), SourceKey.Of(IPAddress.Parse("10.2.2.3"), wide));
        Assert.Equal(SourceKey.Of(IPAddress.Parse("2001:db8:1::1"), wide), SourceKey.Of(IPAddress.Parse("2001:db8:1:ffff::2"), wide));
        Assert.NotEqual(SourceKey.Of(IPAddress.Parse("2001:db8:1::1"), wide), SourceKey.Of(IPAddress.Parse("2001:db8:2::1"), wide));
        Assert.Equal(SourceKey.Of(IPAddress.Parse("127.0.0.1"), SourcePrefixLengths.PerHost), SourceKey.Of(IPAddress.IPv6Loopback, SourcePrefixLengths.PerHost));
        Assert.Equal(SourceKey.Of(IPAddress.Parse("2001:db8::1")), SourceKey.Of(IPAddress.Parse("2001:db8::1"), SourcePrefixLengths.PerHost));
        Assert.Null(SourcePrefixLengths.PerHost.Problem("s"));
        Assert.Equal("s:Ipv4 is 33; it must be 0 to 32", new SourcePrefixLengths(33, 64).Problem("s"));
        Assert.Equal("s:Ipv6 is -1; it must be 0 to 128", new SourcePrefixLengths(24, -1).Problem("s"));
    }

    private static (SourceTicket Ticket, RelayCounters Activity) Relaying(SourceConnections sources, IPAddress source, long session)
    {
        var ticket = Admitted(sources, source, session);
        Assert.True(ticket.HandshakeDone());
        var activity = new RelayCounters();
        ticket.Relaying(activity);
        return (ticket, activity);
    }

    /// <summary>Whom a newcomer from <paramref name="newcomer"/> evicts on a node of 4, full.</summary>
    private static SourceTicket? EvictFor(SourceConnections sources, IPAddress newcomer)
    {
        sources.TryOpen(newcomer, 99, nodeOpen: 4, nodeCap: 4, policyCap: null, out _, out var evicted);
        return evicted;
    }

    private static SourceTicket Admitted(SourceConnections sources, IPAddress source, long session)
    {
        var ticket = sources.TryOpen(source, session, out var admission);
        Assert.Equal(SourceAdmission.Admitted, admission);
        return Assert.IsType<SourceTicket>(ticket);
    }
}
