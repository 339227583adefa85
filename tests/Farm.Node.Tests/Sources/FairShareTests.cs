using Farm.Node.Sources;

namespace Farm.Node.Tests.Sources;

/// <summary>
/// Issue 16 F2: one rule for both kinds of victim, judged on each source's share of the node's
/// sessions. Tables of sources: (open, oldest handshake's order or null, longest idle relay in seconds).
/// </summary>
public sealed class FairShareTests
{
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(100, 0, 100)]
    [InlineData(100, 1, 100)]
    [InlineData(100, 3, 33)]
    [InlineData(100, 101, 1)]
    [InlineData(1, 5, 1)]
    public void Share_IsTheCapOverTheSources_AtLeastOne(int cap, int sources, int share) =>
        Assert.Equal(share, FairShare.Of(cap, sources));

    [Fact]
    public void AttackerSpreadOverAddresses_CannotEvictAFairClientsHandshake()
    {
        // 9 attacker addresses with 1 handshake each and a fair client with 1: all at their share of 10 / 11 = 1.
        var table = Enumerable.Range(0, 9).Select(i => Row(1, i, 0)).Append(Row(1, 100, 0)).ToList();

        Assert.Null(FairShare.Choose(table, newcomerOpen: 0, cap: 10, IdleAfter));
    }

    [Fact]
    public void HandshakeCountsAloneNoLongerDecide_ASourceUnderItsShareKeepsItsHandshakes()
    {
        // The old rule took from the source with the most handshakes; that source holds 3 of a cap of 12 over 3 sources (share 4).
        var table = new[] { Row(3, 1, 0), Row(8, null, 0), Row(1, null, 0) };

        Assert.Null(FairShare.Choose(table, newcomerOpen: 1, cap: 12, IdleAfter));
    }

    [Fact]
    public void NewcomerUnderItsShare_TakesTheOldestHandshakeOfTheSourceHoldingTheMost()
    {
        var table = new[] { Row(6, 5, 0), Row(7, 9, 0), Row(7, 3, 0), Row(1, 1, 0) };

        Assert.Equal(new EvictionChoice(2, EvictionVictim.Unfinished), FairShare.Choose(table, newcomerOpen: 0, cap: 21, IdleAfter));
    }

    [Fact]
    public void NewcomerAtItsShare_IsRefused()
    {
        var table = new[] { Row(10, null, 0), Row(10, 1, 600) };

        Assert.Null(FairShare.Choose(table, newcomerOpen: 10, cap: 20, IdleAfter));
    }

    [Fact]
    public void NoHandshakeToTake_TheLongestIdleRelayOfTheSourceHoldingTheMostGoes()
    {
        var table = new[] { Row(30, null, 61), Row(30, null, 3600), Row(10, null, 7200), Row(30, null, 5) };

        Assert.Equal(new EvictionChoice(1, EvictionVictim.IdleRelay), FairShare.Choose(table, newcomerOpen: 0, cap: 100, IdleAfter));
    }

    [Fact]
    public void ARelayThatMovedBytesLately_IsNeverTaken()
    {
        var table = new[] { Row(99, null, 59) };

        Assert.Null(FairShare.Choose(table, newcomerOpen: 0, cap: 100, IdleAfter));
    }

    [Fact]
    public void AnIdleRelayOfASourceUnderItsShare_IsNeverTaken()
    {
        // Share 33 each: the idle source holds less, the busy one more; the newcomer's source holds 1.
        var table = new[] { Row(25, null, 3600), Row(74, null, 1), Row(1, null, 0) };

        Assert.Null(FairShare.Choose(table, newcomerOpen: 1, cap: 100, IdleAfter));
    }

    [Fact]
    public void AHandshakeAnywhereOverTheShare_GoesBeforeAnIdleRelay()
    {
        var table = new[] { Row(60, null, 3600), Row(31, 4, 0) };

        Assert.Equal(new EvictionChoice(1, EvictionVictim.Unfinished), FairShare.Choose(table, newcomerOpen: 0, cap: 90, IdleAfter));
    }

    private static SourceShare Row(int open, long? oldestHandshake, int idleSeconds) =>
        new(open, oldestHandshake, TimeSpan.FromSeconds(idleSeconds));
}
