namespace Farm.Shared.Replication;

/// <summary>What a member started with its own policy file does with the farm's stored policy (<see cref="StartPolicyChoice.Of"/>).</summary>
public enum StartPolicy
{
    /// <summary>The file says what the farm enforces: nothing to do.</summary>
    Same,

    /// <summary>The file changed after the farm's version was written: it becomes the farm's next version.</summary>
    ApplyFile,

    /// <summary>The farm's version was written after the file changed: it stays, with one warning.</summary>
    KeepFarm,
}

/// <summary>Pure: the choice between a member's policy file and the farm's stored version at start.</summary>
public static class StartPolicyChoice
{
    /// <param name="fileText">The policy file's text.</param>
    /// <param name="fileModified">The file's last write time (its mtime).</param>
    /// <param name="farm">The farm's stored version, whose <see cref="PolicyEnvelope.Timestamp"/> is when the farm's writer wrote it.</param>
    public static StartPolicy Of(string fileText, DateTimeOffset fileModified, PolicyEnvelope farm) =>
        string.Equals(fileText, farm.Text, StringComparison.Ordinal) ? StartPolicy.Same
        : fileModified > farm.Timestamp ? StartPolicy.ApplyFile
        : StartPolicy.KeepFarm;
}
