using Farm.Shared.Replication;

namespace Farm.Shared.Tests.Replication;

public sealed class StartPolicyChoiceTests
{
    private static readonly DateTimeOffset Written = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly PolicyEnvelope Farm = new("client pass from 10.0.0.0/8\n", 4, "farmctl", Written);

    [Fact]
    public void SameText_NothingToDo_WhateverTheTimes() =>
        Assert.Equal(StartPolicy.Same, StartPolicyChoice.Of(Farm.Text, Written.AddDays(1), Farm));

    [Fact]
    public void FileModifiedAfterTheFarmsVersionWasWritten_IsApplied() =>
        Assert.Equal(StartPolicy.ApplyFile, StartPolicyChoice.Of("client pass from 127.0.0.0/8\n", Written.AddSeconds(1), Farm));

    [Fact]
    public void FileModifiedBeforeOrAsTheFarmsVersionWasWritten_KeepsTheFarms()
    {
        Assert.Equal(StartPolicy.KeepFarm, StartPolicyChoice.Of("client pass from 127.0.0.0/8\n", Written.AddSeconds(-1), Farm));
        Assert.Equal(StartPolicy.KeepFarm, StartPolicyChoice.Of("client pass from 127.0.0.0/8\n", Written, Farm));
    }
}
