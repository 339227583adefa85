using System.Runtime.CompilerServices;

namespace Farm.Tests.Shared;

/// <summary>
/// Gives the test run its own <c>FARM_STATE_DIR</c> before any test starts a member: the admin tokens
/// members generate (and any default data directory) land in a temp directory removed at exit, never
/// in the user's ~/.local/share/farm. Members and farmctl started as processes inherit it, so farmctl
/// finds a member's generated token just as an operator's would.
/// </summary>
public static class TestStateRoot
{
    public static string Path { get; private set; } = string.Empty;

    [ModuleInitializer]
    internal static void Initialize()
    {
        Path = Directory.CreateTempSubdirectory("farm-test-state-").FullName;
        Environment.SetEnvironmentVariable("FARM_STATE_DIR", Path);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // A member still writing at exit; the directory is under the temp root.
            }
        };
    }
}
