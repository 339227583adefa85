namespace Farm.Node.Tests.Support;

/// <summary>Files of the repository under test.</summary>
public static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string Schema(string name) => Path("tests", "Farm.Node.Tests", "Ops", "Schemas", name);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Farm.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Farm.sln not found above the test binaries");
    }
}
