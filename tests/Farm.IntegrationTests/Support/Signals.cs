using System.Runtime.InteropServices;

namespace Farm.IntegrationTests.Support;

/// <summary>Sends POSIX signals by process id: .NET only offers SIGKILL (Process.Kill).</summary>
public static class Signals
{
    // Linux numbers (x86-64 and arm64 alike).
    public const int Hangup = 1;
    public const int Terminate = 15;
    public const int Continue = 18;
    public const int Stop = 19;

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
