using System.Runtime.InteropServices;

namespace Farm.Node.Sockets;

/// <summary>The process's open-files limit (RLIMIT_NOFILE, soft), as the runtime left it after raising it at start.</summary>
public static class DescriptorLimit
{
    private const int RlimitNofile = 7;

    /// <summary>Null where it cannot be read or is unlimited.</summary>
    public static long? Read()
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNofile, out var limit) != 0 || limit.Current > long.MaxValue)
        {
            return null;
        }

        return (long)limit.Current;
    }

    [DllImport("libc", EntryPoint = "getrlimit")]
    private static extern int GetRLimit(int resource, out RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
