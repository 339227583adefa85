using System.Text.Json;

namespace Farm.Node.Tests.Support;

/// <summary>
/// Runs one of the third-party client scripts in tests/clients (the npm "socks" package,
/// installed there by ops/install-test-deps.sh) and returns the JSON object it prints.
/// </summary>
public static class NodeClientScript
{
    public static async Task<JsonElement> RunAsync(string script, params string[] arguments)
    {
        var directory = Path.Combine(RepositoryRoot(), "tests", "clients");
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules", "socks")), "run ops/install-test-deps.sh: tests/clients/node_modules is missing");
        var result = await ProcessRunner.RunAsync("node", [Path.Combine(directory, script), .. arguments], TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"{script} exited {result.ExitCode}: {result.StandardError}");
        return JsonDocument.Parse(result.StandardOutput).RootElement.Clone();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Farm.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Farm.sln above {AppContext.BaseDirectory}");
    }
}
