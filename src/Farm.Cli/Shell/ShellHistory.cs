namespace Farm.Cli.Shell;

/// <summary>
/// The shell's history: in memory, and appended to a file only its owner can read (mode 0600), so the
/// next shell starts with it. A line that carries a token value is never kept.
/// </summary>
public sealed class ShellHistory
{
    public const int Limit = 1000;

    private readonly List<string> _lines;
    private string? _path;
    private readonly TextWriter _error;

    private ShellHistory(List<string> lines, string? path, TextWriter error)
    {
        _lines = lines;
        _path = path;
        _error = error;
    }

    public IReadOnlyList<string> Lines => _lines;

    /// <summary><c>FARMCTL_HISTORY</c>, else <c>~/.farmctl_history</c>; none without a home.</summary>
    public static string? PathFrom(Func<string, string?> environment) =>
        environment("FARMCTL_HISTORY") is { Length: > 0 } path ? path
        : environment("HOME") is { Length: > 0 } home ? Path.Combine(home, ".farmctl_history")
        : null;

    /// <summary>The history in <paramref name="path"/>; an unusable file leaves it in memory only, said once.</summary>
    public static ShellHistory Open(string? path, TextWriter error)
    {
        var lines = new List<string>();
        if (path is not null && File.Exists(path))
        {
            try
            {
                if (new FileInfo(path).LinkTarget is not null)
                {
                    throw new IOException("it is a symbolic link");
                }

                SetOwnerOnly(path);
                lines.AddRange(File.ReadLines(path).Where(l => l.Length > 0).TakeLast(Limit));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"farmctl: history {path} not used: {e.Message}");
                path = null;
            }
        }

        return new ShellHistory(lines, path, error);
    }

    public void Add(string line)
    {
        if (CarriesToken(line))
        {
            return;
        }

        _lines.Add(line);
        if (_lines.Count > Limit)
        {
            _lines.RemoveAt(0);
        }

        if (_path is null)
        {
            return;
        }

        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var writer = new StreamWriter(_path, new System.Text.UTF8Encoding(false), options))
            {
                writer.WriteLine(line);
            }

            SetOwnerOnly(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _error.WriteLine($"farmctl: history {_path} not written: {e.Message}");
            _path = null;
        }
    }

    public void Print(TextWriter output)
    {
        for (var i = 0; i < _lines.Count; i++)
        {
            output.WriteLine($"{i + 1,5}  {_lines[i]}");
        }
    }

    /// <summary><c>--token &lt;value&gt;</c> puts the token on the line; <c>--token -</c> does not.</summary>
    internal static bool CarriesToken(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Select((w, i) => w.StartsWith("--token=", StringComparison.Ordinal) || (w == "--token" && words.ElementAtOrDefault(i + 1) != "-")).Any(t => t);
    }

    private static void SetOwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
