using System.Globalization;

namespace Farm.Bench.Measure;

/// <summary>
/// CPU time and memory of a process and all its descendants, read from /proc. Dante forks
/// negotiation, request and I/O children, so the root PID alone would undercount it.
/// </summary>
public static class ProcessTree
{
    /// <summary>USER_HZ, the unit of the times in /proc/stat and /proc/&lt;pid&gt;/stat: 100 on every Linux architecture that .NET runs on.</summary>
    public const double TicksPerSecond = 100;

    /// <summary>
    /// utime + stime of the live tree, plus cutime + cstime of the root: a child that exited and was
    /// reaped during a run moves its time there, so the sum stays monotonic.
    /// </summary>
    public static double CpuSeconds(int pid)
    {
        var (user, system) = TreeCpuSplit(pid);
        return user + system;
    }

    /// <summary>
    /// <see cref="CpuSeconds"/> split into user and system time: the proxy's own code apart from
    /// the kernel's work for it (mostly TCP and wake-ups).
    /// </summary>
    public static (double User, double System) TreeCpuSplit(int pid)
    {
        long user = 0;
        long system = 0;
        foreach (var member in WithDescendants(pid))
        {
            if (TryReadStat(member, out var stat))
            {
                user += stat.UserTicks;
                system += stat.SystemTicks;
                if (member == pid)
                {
                    user += stat.ChildUserTicks;
                    system += stat.ChildSystemTicks;
                }
            }
        }

        return (user / TicksPerSecond, system / TicksPerSecond);
    }

    /// <summary>
    /// User and system CPU seconds of one process: a generator whose time is mostly system time is
    /// paying for the kernel's copies, not for its own code.
    /// </summary>
    public static (double User, double System) CpuSplit(int pid) =>
        TryReadStat(pid, out var stat) ? (stat.UserTicks / TicksPerSecond, stat.SystemTicks / TicksPerSecond) : (0, 0);

    /// <summary>Sum of VmRSS over the tree, in KiB: pages shared between Dante's processes count once per process.</summary>
    public static long RssKiB(int pid) => WithDescendants(pid).Sum(p => ReadKiB($"/proc/{p}/status", "VmRSS:"));

    /// <summary>Sum of Pss over the tree, in KiB: shared pages divided among their sharers.</summary>
    public static long PssKiB(int pid) => WithDescendants(pid).Sum(p => ReadKiB($"/proc/{p}/smaps_rollup", "Pss:"));

    public static int Count(int pid) => WithDescendants(pid).Count;

    public static IReadOnlyList<int> WithDescendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && TryReadStat(pid, out var stat))
            {
                if (!children.TryGetValue(stat.ParentPid, out var list))
                {
                    children[stat.ParentPid] = list = [];
                }

                list.Add(pid);
            }
        }

        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            if (children.TryGetValue(tree[i], out var list))
            {
                tree.AddRange(list);
            }
        }

        return tree;
    }

    private readonly record struct Stat(int ParentPid, long UserTicks, long SystemTicks, long ChildUserTicks, long ChildSystemTicks);

    private static bool TryReadStat(int pid, out Stat stat)
    {
        stat = default;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }

        // The command name in parentheses may contain spaces: fields are counted after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        stat = new Stat(
            ParentPid: int.Parse(fields[1], CultureInfo.InvariantCulture),
            UserTicks: long.Parse(fields[11], CultureInfo.InvariantCulture),
            SystemTicks: long.Parse(fields[12], CultureInfo.InvariantCulture),
            ChildUserTicks: long.Parse(fields[13], CultureInfo.InvariantCulture),
            ChildSystemTicks: long.Parse(fields[14], CultureInfo.InvariantCulture));
        return true;
    }

    private static long ReadKiB(string path, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // The process exited between listing and reading: it holds no memory any more.
        }

        return 0;
    }
}
