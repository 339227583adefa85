using Farm.Cli.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Cli.Tests;

/// <summary>Each failure is a clear message on standard error and the documented exit code.</summary>
public sealed class ErrorTests : IAsyncLifetime
{
    private const string Token = "s3cret-token-for-errors";
    private NodeHost _node = null!;

    public async Task InitializeAsync() =>
        _node = await NodeHost.StartAsync(new Dictionary<string, string?> { ["Farm:Admin:Token"] = Token });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task WrongToken_ExitFour()
    {
        var result = await Farmctl.RunAsync(_node.Admin, "policy", "history", "--token", "wrong");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("unauthorized: wrong token", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingToken_ExitFour()
    {
        var result = await Farmctl.RunAsync(_node.Admin, "node", "status");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("no bearer token", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenFromEnvironment_Accepted()
    {
        var result = await Farmctl.RunAsync([_node.Admin, "node", "status"], null, new Dictionary<string, string> { ["FARMCTL_TOKEN"] = Token });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("accepting new sessions", result.Lines.Single());
    }

    [Fact]
    public async Task UnreachableMember_ExitThree()
    {
        var result = await Farmctl.RunAsync($"127.0.0.1:{TestPorts.Next()}", "cluster", "show");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot reach the admin endpoint", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate", "Unrecognized command or argument 'frobnicate'")]
    [InlineData("cluster|explode", "Unrecognized command or argument 'explode'. ('farmctl cluster --help' shows the usage)")]
    [InlineData("policy|test|--to|example.org:80", "Option '--from' is required.")]
    [InlineData("sessions|kill|abc", "'abc' is not a session id")]
    [InlineData("node|drain|--deadline|soon", "'soon' is not a duration")]
    [InlineData("cluster|show|extra", "Unrecognized command or argument 'extra'")]
    [InlineData("policy|history|--verbose|yes", "Unrecognized command or argument '--verbose'")]
    [InlineData("client-config|--format|xml|--nodes|127.0.0.1:1080", "--format must be one of")]
    public async Task BadUsage_ExitTwo(string words, string message)
    {
        var result = await Farmctl.RunAsync([_node.Admin, .. words.Split('|'), "--token", Token], null);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShortConfiguredToken_NodeRefusesToStartWithoutPrintingIt()
    {
        const string shortToken = "only-15-chars-x";

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            NodeHost.StartAsync(new Dictionary<string, string?> { ["Farm:Admin:Token"] = shortToken }));

        Assert.Contains("Farm:Admin:Token is 15 characters, fewer than 16", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(shortToken, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminBeyondLoopbackWithoutToken_NodeRefusesToStart()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            NodeHost.StartAsync(new Dictionary<string, string?> { ["Farm:Admin:Listen"] = "0.0.0.0:0" }));

        Assert.Contains("beyond loopback", error.Message, StringComparison.Ordinal);
        Assert.Contains("Farm:Admin:Token", error.Message, StringComparison.Ordinal);
    }
}
