using Farm.Shared.Replication;

namespace Farm.Shared.Tests.Replication;

/// <summary>The rule every member applies to an incoming policy version, given the one it enforces.</summary>
public sealed class PolicyDescentTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 2, 0, 0, TimeSpan.Zero);

    private static PolicyEnvelope Chain(int length)
    {
        var envelope = PolicyRegister.None;
        for (var i = 1; i <= length; i++)
        {
            envelope = envelope.Successor($"pass connect to any port {i}\n", "alice", At, "akka.tcp://farm@10.0.0.1:4054", $"nonce-{i}")!;
        }

        return envelope;
    }

    [Fact]
    public void Next_NamingTheHeldDigest_IsTaken()
    {
        var held = Chain(3);
        var next = held.Successor("block any to any\n", "bob", At, "akka.tcp://farm@10.0.0.2:4054", "n")!;

        Assert.Equal(4, next.Version);
        Assert.Equal(PolicyDescentKind.Next, PolicyDescent.Of(held, next).Kind);
    }

    [Fact]
    public void ForgedLongMaxValue_AfterTheHeldVersion_IsRefused()
    {
        var held = Chain(3);
        var forged = held.Successor("pass any to any\n", "mallory", At, "akka.tcp://farm@10.6.6.6:4054", "x")! with { Version = long.MaxValue };

        var descent = PolicyDescent.Of(held, forged);

        Assert.Equal(PolicyDescentKind.Refused, descent.Kind);
        Assert.Contains($"version {long.MaxValue} by akka.tcp://farm@10.6.6.6:4054 (mallory) refused, version 3 stays", descent.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SameVersionFromAnotherWriter_IsRefused()
    {
        var held = Chain(3);
        var rival = Chain(2).Successor("pass any to any\n", "eve", At, "akka.tcp://farm@10.0.0.9:4054", "other")!;

        Assert.Equal(3, rival.Version);
        Assert.Equal(PolicyDescentKind.Refused, PolicyDescent.Of(held, rival).Kind);
    }

    [Fact]
    public void LaterVersion_WhoseAncestorsIncludeTheHeldOne_IsTakenAsAResync()
    {
        var chain = new List<PolicyEnvelope> { Chain(5) };
        for (var i = 0; i < 10; i++)
        {
            chain.Add(chain[^1].Successor($"pass connect to any port {100 + i}\n", "alice", At, "w", $"r{i}")!);
        }

        Assert.Equal(PolicyDescentKind.Resync, PolicyDescent.Of(chain[0], chain[^1]).Kind);
        Assert.Equal(PolicyDescentKind.Refused, PolicyDescent.Of(chain[^1], chain[0]).Kind);
    }

    [Fact]
    public void VersionFromAnotherHistory_IsRefused_EvenWithinTheAncestorWindow()
    {
        var held = Chain(4);
        var other = Chain(3).Successor("other\n", "eve", At, "w", "x")!.Successor("other 2\n", "eve", At, "w", "y")!;

        Assert.Equal(5, other.Version);
        Assert.Equal(PolicyDescentKind.Refused, PolicyDescent.Of(held, other).Kind);
    }

    [Fact]
    public void MemberFurtherBehindThanTheAncestors_RefusesTheJump()
    {
        var held = Chain(1);
        var far = Chain(PolicyEnvelope.MaxAncestors + 5);

        Assert.Equal(PolicyEnvelope.MaxAncestors, far.Ancestors.Count);
        Assert.Equal(PolicyDescentKind.Refused, PolicyDescent.Of(held, far).Kind);
    }

    [Fact]
    public void MemberWithNoVersionYet_TakesTheFarms()
    {
        Assert.Equal(PolicyDescentKind.First, PolicyDescent.Of(null, Chain(7)).Kind);
    }

    [Fact]
    public void LargestVersion_HasNoSuccessor_NeverWraps()
    {
        var largest = Chain(1) with { Version = long.MaxValue };

        Assert.Null(largest.Successor("x\n", "a", At, "w", "n"));
    }

    private static PolicyEnvelope Seed(string text) =>
        PolicyRegister.None.Successor(text, PolicyDescent.SeedAuthorPrefix + "/etc/farm/farm.policy", At, "akka.tcp://farm@10.0.0.1:4053", "seed", "akka.tcp://farm@10.0.0.1:4053")!;

    [Fact]
    public void MemberHoldingOnlyItsSeed_TakesTheFarmsHistory_CompleteBackToVersionOne()
    {
        var seed = Seed("block any to any\n");
        var farm = Chain(5);

        Assert.Equal(PolicyDescentKind.ReplacesSeed, PolicyDescent.Of(seed, farm).Kind);
    }

    [Fact]
    public void MemberHoldingOnlyItsSeed_RefusesAForgedJump()
    {
        var seed = Seed("block any to any\n");
        var forged = Chain(3) with { Version = long.MaxValue };

        Assert.Equal(PolicyDescentKind.Refused, PolicyDescent.Of(seed, forged).Kind);
    }

    [Fact]
    public void AppliedVersionOne_IsNotASeed_AnotherHistoryIsRefused()
    {
        var applied = Chain(1);

        Assert.Equal(PolicyDescentKind.Refused, PolicyDescent.Of(applied, Chain(1).Successor("x\n", "eve", At, "w", "other")! with { Ancestors = ["not-the-held-digest"] }).Kind);
    }

    [Fact]
    public void MemberThatRefusedAVersion_TakesTheNextOneBuiltOnIt_NotAnotherRefusedOne()
    {
        var held = Chain(4);
        var refused = Chain(2).Successor("other\n", "eve", At, "w", "x")!.Successor("other 2\n", "eve", At, "w", "y")!;
        var next = refused.Successor("other 3\n", "alice", At, "w", "z")!;
        var unrelated = Chain(3).Successor("third history\n", "eve", At, "w", "q")!.Successor("more\n", "eve", At, "w", "r")!.Successor("more 2\n", "eve", At, "w", "s")!;

        Assert.Equal(PolicyDescentKind.Refused, PolicyDescent.Of(held, refused).Kind);
        Assert.Equal(PolicyDescentKind.Rebased, PolicyDescent.Of(held, next, refused).Kind);
        Assert.Equal(PolicyDescentKind.Refused, PolicyDescent.Of(held, unrelated, refused).Kind);
        Assert.Equal(PolicyDescentKind.Refused, PolicyDescent.Of(held, next, refused: null).Kind);
    }
}
