using Farm.Lighthouse.Probing;

namespace Farm.Lighthouse.Tests.Probing;

public sealed class ProbeTallyTests
{
    [Fact]
    public void Node_FailsOnlyAfterTheConfiguredRoundsInARow_OnePassClearsIt()
    {
        var tally = ProbeTally.Start(failuresToDrop: 2);

        tally = tally.Record(new Dictionary<string, bool> { ["node1"] = false, ["node2"] = true });
        Assert.Empty(tally.Failing);
        tally = tally.Record(new Dictionary<string, bool> { ["node1"] = false, ["node2"] = true });
        Assert.Equal(["node1"], tally.Failing);
        tally = tally.Record(new Dictionary<string, bool> { ["node1"] = true, ["node2"] = true });
        Assert.Empty(tally.Failing);
    }

    [Fact]
    public void LostNode_FailsAtOnce_UntilARoundFindsItAlive()
    {
        var tally = ProbeTally.Start(failuresToDrop: 3).Lost(["node2"]);

        Assert.Equal(["node2"], tally.Failing);
        tally = tally.Record(new Dictionary<string, bool> { ["node2"] = false });
        Assert.Equal(["node2"], tally.Failing);
        tally = tally.Record(new Dictionary<string, bool> { ["node2"] = true });
        Assert.Empty(tally.Failing);
    }

    [Fact]
    public void NodeNoLongerProbed_IsForgotten()
    {
        var tally = ProbeTally.Start(failuresToDrop: 1).Record(new Dictionary<string, bool> { ["node3"] = false });
        Assert.Equal(["node3"], tally.Failing);

        Assert.Empty(tally.Record(new Dictionary<string, bool>()).Failing);
    }
}
