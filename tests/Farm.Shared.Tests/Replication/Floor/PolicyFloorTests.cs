using Farm.Shared.Replication;
using Farm.Shared.Replication.Floor;

namespace Farm.Shared.Tests.Replication.Floor;

/// <summary>The floor's rule (pure): nothing older than the newest version a member enforced, nor another version under its number.</summary>
public sealed class PolicyFloorTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);
    private const string Writer = "akka.ssl.tcp://farm@10.0.0.1:4053";

    private static readonly PolicyEnvelope Seed = PolicyRegister.None.Successor("block any to any\n", PolicyDescent.SeedAuthorPrefix + "lighthouse.policy", At, Writer, "n1")!;
    private static readonly PolicyEnvelope PassX = Seed.Successor("pass connect to 192.0.2.7\n", "alice", At, Writer, "n2")!;
    private static readonly PolicyEnvelope BlockX = PassX.Successor("block connect to 192.0.2.7\n", "alice", At, Writer, "n3")!;

    [Fact]
    public void AfterVersion3_Version2IsAReplay_AndAnotherVersion3IsRefused_AndVersion4Passes()
    {
        var floor = PolicyFloor.None.Raise(PassX).Raise(BlockX);
        var other3 = PassX.Successor("pass any to any\n", "alice", At, Writer, "another-n3")!;

        Assert.Equal(new PolicyFloor(3, BlockX.Digest()), floor);
        Assert.Contains("older than version 3", floor.Refuses(PassX), StringComparison.Ordinal);
        Assert.Contains("older than version 3", floor.Refuses(Seed), StringComparison.Ordinal);
        Assert.Contains($"another version 3 (digest {BlockX.Digest()[..12]}, not {other3.Digest()[..12]})", floor.Refuses(other3), StringComparison.Ordinal);
        Assert.Null(floor.Refuses(BlockX));
        Assert.Null(floor.Refuses(BlockX.Successor("pass any to any\n", "bob", At, Writer, "n4")!));
    }

    [Fact]
    public void NoFloor_RefusesNothing_AndASeedDoesNotRaiseIt()
    {
        Assert.Null(PolicyFloor.None.Refuses(PolicyRegister.None));
        Assert.Null(PolicyFloor.None.Refuses(PassX));
        Assert.Same(PolicyFloor.None, PolicyFloor.None.Raise(Seed));

        // A lower version never lowers it.
        var floor = PolicyFloor.None.Raise(BlockX);
        Assert.Same(floor, floor.Raise(PassX));
    }

    [Fact]
    public void Format_ThenParse_GivesTheFloorBack()
    {
        var floor = new PolicyFloor(long.MaxValue, BlockX.Digest());

        Assert.Equal(floor, PolicyFloor.Parse(floor.Format(), out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData("version 3\n")]
    [InlineData("version -3 0000000000000000000000000000000000000000000000000000000000000000\n")]
    [InlineData("version 0 0000000000000000000000000000000000000000000000000000000000000000\n")]
    [InlineData("version 3 00000000000000000000000000000000000000000000000000000000000000\n")]
    [InlineData("version 3 ABCDEF0000000000000000000000000000000000000000000000000000000000\n")]
    [InlineData("version 99999999999999999999 0000000000000000000000000000000000000000000000000000000000000000\n")]
    [InlineData("floor 3 0000000000000000000000000000000000000000000000000000000000000000\n")]
    public void Parse_RefusesAnythingElse(string text)
    {
        Assert.Null(PolicyFloor.Parse(text, out var problem));
        Assert.NotNull(problem);
    }
}
