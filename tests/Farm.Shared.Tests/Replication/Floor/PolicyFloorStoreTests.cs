using Farm.Shared.Replication;
using Farm.Shared.Replication.Floor;

namespace Farm.Shared.Tests.Replication.Floor;

/// <summary>The floor on disk: kept across restarts (a new store on the same directory), 0600, and a damaged file said, not trusted.</summary>
public sealed class PolicyFloorStoreTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);

    private static PolicyEnvelope Version(int version)
    {
        var envelope = PolicyRegister.None;
        for (var i = 1; i <= version; i++)
            envelope = envelope.Successor($"pass connect to any port {i}\n", "alice", At, "akka.ssl.tcp://farm@10.0.0.1:4053", $"n{i}")!;
        return envelope;
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Raised_SurvivesARestart_AsA0600File()
    {
        using var directory = new TempDirectory();
        var store = new PolicyFloorStore(Path.Combine(directory.Path, "ddata"));

        Assert.True(store.Raise(Version(3)));
        Assert.False(store.Raise(Version(2)));

        var restarted = new PolicyFloorStore(Path.Combine(directory.Path, "ddata"));
        Assert.Null(restarted.Problem);
        Assert.Equal(new PolicyFloor(3, Version(3).Digest()), restarted.Current);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(restarted.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(restarted.Directory));
        Assert.Single(Directory.GetFiles(restarted.Directory));
    }

    [Fact]
    public void NoFile_NoFloor_NoProblem()
    {
        using var directory = new TempDirectory();

        var store = new PolicyFloorStore(directory.Path);

        Assert.Equal(PolicyFloor.None, store.Current);
        Assert.Null(store.Problem);
    }

    [Fact]
    public void DamagedFile_IsReported_AndGivesNoFloor()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(directory.Path);
        File.WriteAllText(Path.Combine(directory.Path, PolicyFloorStore.FileName), "version 3 not-a-digest\n");

        var store = new PolicyFloorStore(directory.Path);

        Assert.Equal(PolicyFloor.None, store.Current);
        Assert.Contains(PolicyFloorStore.FileName, store.Problem, StringComparison.Ordinal);
    }
}
