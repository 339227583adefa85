using System.Reflection;

namespace Farm.Cli.Tests.Support;

/// <summary>Paths of the executables the build made next to their own projects.</summary>
public static class Built
{
    public static string Farmctl => Path.GetFullPath(Metadata("farmctl"));

    public static string Lighthouse => Path.GetFullPath(Metadata("lighthouse"));

    public static string Node => Path.GetFullPath(Metadata("node"));

    private static string Metadata(string key) =>
        typeof(Built).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
