using Farm.Shared.Cluster.Downing;

namespace Farm.Shared.Tests.Cluster;

public sealed class LostMemberQuorumTests
{
    [Theory]
    // Four members, one lost: three of four remain.
    [InlineData(new[] { "lh1", "lh2", "n1", "n2" }, new string[0], "lh1", true)]
    // Two of four remain: no strict majority, keep-majority's tie is the resolver's to break.
    [InlineData(new[] { "lh1", "lh2", "n1", "n2" }, new[] { "n2" }, "lh1", false)]
    // Two members, one lost: one of two is no majority.
    [InlineData(new[] { "lh1", "n1" }, new string[0], "lh1", false)]
    // Three members, one lost: two of three remain.
    [InlineData(new[] { "lh1", "n1", "n2" }, new string[0], "n2", true)]
    // The lost member already counted as unreachable is not counted twice.
    [InlineData(new[] { "lh1", "lh2", "n1" }, new[] { "lh1" }, "lh1", true)]
    // Five members, two others unreachable: two of five remain.
    [InlineData(new[] { "a", "b", "c", "d", "e" }, new[] { "d", "e" }, "c", false)]
    // A member that is no longer listed is never downed.
    [InlineData(new[] { "a", "b", "c" }, new string[0], "z", false)]
    public void OnlyAStrictMajority_WithTheLostAndEveryUnreachableMemberOnTheOtherSide_MayDown(string[] members, string[] unreachable, string lost, bool mayDown) =>
        Assert.Equal(mayDown, LostMemberQuorum.HoldsMajority(members, unreachable.ToHashSet(), lost));

    [Fact]
    public async Task AClosedPort_IsRefused_AndAListeningOne_IsAccepted()
    {
        var probe = new RemotingPortProbe(TimeSpan.FromSeconds(5));
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        Assert.Equal(PortAnswer.Accepted, await probe.AskAsync("127.0.0.1", port));
        listener.Stop();
        Assert.Equal(PortAnswer.Refused, await probe.AskAsync("127.0.0.1", port));
    }
}
