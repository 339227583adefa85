namespace Farm.Shared.Cluster;

/// <summary>
/// The per-user directory under which a member keeps its state when not told where: its default data
/// directory and its generated admin token. <c>FARM_STATE_DIR</c> moves it; farmctl looks there too.
/// </summary>
public static class FarmStateRoot
{
    public const string Variable = "FARM_STATE_DIR";

    public static string Path(Func<string, string?> environment) =>
        environment(Variable) is { Length: > 0 } root
            ? System.IO.Path.GetFullPath(root)
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "farm");
}
