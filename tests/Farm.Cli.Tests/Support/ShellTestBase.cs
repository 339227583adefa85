namespace Farm.Cli.Tests.Support;

/// <summary>What every shell test stands on: a real node with an admin token, and a home of its own for the history file.</summary>
public abstract class ShellTestBase : IAsyncLifetime
{
    protected const string Token = "shell-test-token-0123456789";

    protected NodeHost Node { get; private set; } = null!;

    protected DirectoryInfo HomeDirectory { get; private set; } = null!;

    protected string HistoryFile => Path.Combine(HomeDirectory.FullName, ".farmctl_history");

    protected Dictionary<string, string> Environment => new() { ["HOME"] = HomeDirectory.FullName, ["FARMCTL_TOKEN"] = Token };

    public async Task InitializeAsync()
    {
        HomeDirectory = Directory.CreateTempSubdirectory("farmctl-home-");
        Node = await NodeHost.StartAsync(new Dictionary<string, string?> { ["Farm:Admin:Token"] = Token });
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        HomeDirectory.Delete(recursive: true);
    }
}
