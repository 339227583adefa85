namespace Farm.Shared.Replication.Floor;

/// <summary>
/// This member's <see cref="PolicyFloor"/> in a file next to its durable store (<see cref="FileName"/>, 0600 in
/// the 0700 store directory), replaced atomically like the store's files. It is not part of the replicated
/// data: no other member can lower it. Read once at start; raised each time the member enforces a newer version.
/// </summary>
public sealed class PolicyFloorStore
{
    public const string FileName = "policy-floor";

    private const string TempExtension = ".new";
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly Lock _lock = new();
    private PolicyFloor _current;

    /// <param name="directory">The member's durable store directory.</param>
    public PolicyFloorStore(string directory)
    {
        Directory = directory;
        Path = System.IO.Path.Combine(directory, FileName);
        (_current, Problem) = Read(Path);
    }

    public string Directory { get; }

    public string Path { get; }

    /// <summary>Why the floor file could not be read at start (the member then has no floor, as a new one), or null.</summary>
    public string? Problem { get; }

    public PolicyFloor Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>Raises the floor to <paramref name="enforced"/> and writes it before returning; false when unchanged.</summary>
    /// <exception cref="IOException">The file could not be written; the floor is raised in memory still.</exception>
    public bool Raise(PolicyEnvelope enforced)
    {
        PolicyFloor raised;
        lock (_lock)
        {
            raised = _current.Raise(enforced);
            if (raised == _current)
            {
                return false;
            }

            _current = raised;
            Write(raised);
        }

        return true;
    }

    private static (PolicyFloor Floor, string? Problem) Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (PolicyFloor.None, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (PolicyFloor.None, $"{path}: {e.Message}");
        }

        return PolicyFloor.Parse(text, out var problem) is { } floor ? (floor, null) : (PolicyFloor.None, $"{path}: {problem}");
    }

    private void Write(PolicyFloor floor)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, DirectoryMode);
        }

        var temp = $"{Path}.{Guid.NewGuid():N}{TempExtension}";
        try
        {
            var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = FileMode;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(System.Text.Encoding.ASCII.GetBytes(floor.Format()));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, Path, overwrite: true);
            DirectorySync.Flush(Directory);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
