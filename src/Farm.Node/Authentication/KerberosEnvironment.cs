using System.Runtime.InteropServices;

namespace Farm.Node.Authentication;

/// <summary>
/// The system GSSAPI library reads KRB5_KTNAME from the native environment, which
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not change on Linux (the runtime keeps
/// its own copy): a spike saw UnknownCredentials with it and success with libc setenv.
/// </summary>
internal static class KerberosEnvironment
{
    /// <summary>Called once at start, before any GSSAPI use and before other threads read the environment.</summary>
    public static void UseKeytab(string path)
    {
        var value = $"FILE:{Path.GetFullPath(path)}";
        if (SetEnv("KRB5_KTNAME", value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv KRB5_KTNAME failed: errno {Marshal.GetLastPInvokeError()}");
        }

        Environment.SetEnvironmentVariable("KRB5_KTNAME", value);
    }

    [DllImport("libc", EntryPoint = "setenv", SetLastError = true)]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
