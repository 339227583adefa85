using System.Net;
using System.Net.Sockets;
using Farm.Node.Flow;
using Farm.Node.Handshake;
using Farm.Node.Policy;
using Farm.Node.Sessions;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Tests.Flow;

/// <summary>The pure stages of a session, built without a connection: an unconnected socket stands for the client.</summary>
public sealed class SessionStagesTests : IDisposable
{
    private static readonly IPEndPoint Listener = new(IPAddress.Parse("127.0.0.1"), 1080);
    private readonly Socket _unconnected = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public void Dispose() => _unconnected.Dispose();

    [Fact]
    public void Identify_ClientRuleRefuses_EndsAsClientRecord_WithTheIntroducedAddress_NotThePeer()
    {
        var accepted = Accept("client pass from 10.0.0.0/8\nclient block from any\npass connect from any to any\n", peer: "127.0.0.1:40000");

        // The address a proxy's header gave, refused: the record names it, not the proxy.
        var advance = Introduced.Identify(accepted, IPEndPoint.Parse("192.0.2.7:5555"));

        Assert.False(advance.TryNext(out _, out var ended));
        Assert.Equal("client", ended.Kind);
        Assert.Equal("client-refused", ended.Outcome);
        Assert.Equal(PolicyAction.Block, ended.Admission!.Value.Action);
        var record = ended.ToRecord(1, "n1", DateTimeOffset.UnixEpoch, TimeSpan.Zero, evictedFor: null);
        Assert.Equal("192.0.2.7:5555", record.Client);
        Assert.Equal("127.0.0.1:1080", record.Listener);
        Assert.Null(record.Command);
    }

    [Fact]
    public void Identify_ClientRulePasses_DecisionsUseTheIntroducedAddress_Unmapped()
    {
        var accepted = Accept("client pass from 10.0.0.0/8\nclient block from any\npass connect from any to any\n", peer: "127.0.0.1:40000");

        Assert.True(Introduced.Identify(accepted, new IPEndPoint(IPAddress.Parse("::ffff:10.1.2.3"), 7)).TryNext(out var introduced, out _));
        Assert.Equal(IPAddress.Parse("10.1.2.3"), introduced.ClientAddress);
        Assert.Equal(PolicyAction.Pass, introduced.Admission.Action);
        Assert.Equal(SessionPhase.Handshake, introduced.Phase);
    }

    [Fact]
    public void Decide_BlockedAddress_EndsWithTheReplyOwed_AndTheReason()
    {
        var negotiated = Negotiate("client pass from any\npass connect from any to 198.51.100.0/24 name web\n", SocksDestination.FromAddress(IPAddress.Parse("203.0.113.5"), 443));

        var advance = Admitted.Decide(negotiated, new SessionLimiter());

        Assert.False(advance.TryNext(out _, out var ended));
        Assert.True(ended.ReplyOwed);
        Assert.Equal(Socks5Reply.ConnectionNotAllowed, ended.Reply);
        var record = ended.ToRecord(2, "n1", DateTimeOffset.UnixEpoch, TimeSpan.Zero, evictedFor: null);
        Assert.Equal(("refused", "block", "connect", "203.0.113.5:443", "address-decided", "connection-not-allowed"), (record.Outcome, record.Decision, record.Command, record.Destination, record.Reason, record.Reply));
    }

    [Fact]
    public void Decide_PassedAddress_IsAdmitted_AndItsEndingRecordsThePass()
    {
        var negotiated = Negotiate("client pass from any\npass connect from any to 198.51.100.0/24 name web\n", SocksDestination.FromAddress(IPAddress.Parse("198.51.100.9"), 443));

        Assert.True(Admitted.Decide(negotiated, new SessionLimiter()).TryNext(out var admitted, out _));
        Assert.Equal(RequestStep.Proceed, admitted.Verdict.Step);
        Assert.Equal(SessionPhase.Dialing, admitted.Phase);

        // A session that ended while dialing (killed) still says what was decided.
        var record = new Ended(admitted, "killed").ToRecord(3, "n1", DateTimeOffset.UnixEpoch, TimeSpan.Zero, evictedFor: null);
        Assert.Equal(("pass", "web", "killed"), (record.Decision, record.Rule, record.Outcome));
    }

    [Fact]
    public void Decide_OverTheSessionLimit_EndsAsSessionLimit_AndTheReleasedPlaceIsTakenAgain()
    {
        const string Policy = "client pass from any\npass connect from any to any\nlimit from 10.0.0.0/8 sessions 1\n";
        var limiter = new SessionLimiter();
        var destination = SocksDestination.FromAddress(IPAddress.Parse("198.51.100.9"), 443);

        Assert.True(Admitted.Decide(Negotiate(Policy, destination), limiter).TryNext(out var first, out _));
        Assert.False(Admitted.Decide(Negotiate(Policy, destination), limiter).TryNext(out _, out var refused));
        var record = refused.ToRecord(4, "n1", DateTimeOffset.UnixEpoch, TimeSpan.Zero, evictedFor: null);
        Assert.Equal(("session-limit", "limit line 3", "connection-not-allowed"), (record.Outcome, record.Rule, record.Reply));

        first.Release(graceful: true);
        Assert.True(Admitted.Decide(Negotiate(Policy, destination), limiter).TryNext(out _, out _));
    }

    [Fact]
    public void Decide_NameNoRuleCanPass_RefusedUnresolved()
    {
        var negotiated = Negotiate("client pass from any\npass connect from any to any port 443\n", SocksDestination.FromHost("example.com", 80));

        Assert.False(Admitted.Decide(negotiated, new SessionLimiter()).TryNext(out _, out var ended));
        Assert.Equal(VerdictReason.NoRuleCanPassName, ended.RefusedFor);
    }

    [Fact]
    public void ToRecord_EvictedSession_SaysEvicted_WithTheEvictionReason()
    {
        var introduced = Identify("client pass from any\npass connect from any to any\n");

        var record = new Ended(introduced, "timeout").ToRecord(5, "n1", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), evictedFor: "pending-handshake");

        Assert.Equal(("evicted", "pending-handshake", "session"), (record.Outcome, record.Reason, record.Kind));
        Assert.Equal(1000, record.DurationMs);
    }

    [Fact]
    public void Find_WalksBackToTheEarlierStages()
    {
        var negotiated = Negotiate("client pass from any\npass connect from any to any\n", SocksDestination.FromAddress(IPAddress.Parse("198.51.100.9"), 80));

        Assert.Same(negotiated.Introduced, negotiated.Find<Introduced>());
        Assert.Same(negotiated.Introduced.Accepted, negotiated.Find<Accepted>());
        Assert.Null(negotiated.Find<Admitted>());
    }

    private Accepted Accept(string policy, string peer = "10.0.0.2:40000")
    {
        var parsed = PolicyParser.Parse(policy);
        Assert.True(parsed.Document is not null, string.Join("; ", parsed.Errors));
        var snapshot = new PolicySnapshot(CompiledPolicy.Compile(parsed.Document!), 1, "test", DateTimeOffset.UnixEpoch);
        return Accepted.Of(_unconnected, IPEndPoint.Parse(peer), Listener, snapshot, startedAt: 0);
    }

    private Introduced Identify(string policy)
    {
        var accepted = Accept(policy);
        Assert.True(Introduced.Identify(accepted, accepted.Peer).TryNext(out var introduced, out _));
        return introduced;
    }

    private Negotiated Negotiate(string policy, SocksDestination destination) =>
        Negotiated.Of(Identify(policy), new SocksRequest(SocksVersion.Socks5, SocksCommand.Connect, destination, AuthMethod.None, null, null));
}
