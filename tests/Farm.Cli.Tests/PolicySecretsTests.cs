using Farm.Cli.Tests.Support;

namespace Farm.Cli.Tests;

/// <summary>farmctl against a real node whose policy holds an upstream password and a name pass before an address block.</summary>
public sealed class PolicySecretsTests : IAsyncLifetime
{
    private const string Secret = "hunter2-upstream-secret";
    private readonly string _file = Path.GetTempFileName();
    private NodeHost _node = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_file, $"""
            client pass from 127.0.0.0/8
            pass connect to *.partner.test name partner
            block any to 127.0.0.0/8, 10.0.0.0/8 name inward
            pass connect to any name outbound
            route to *.partner.test via socks5 127.0.0.1:1 user farm password "{Secret}"
            """);
        _node = await NodeHost.StartAsync(new Dictionary<string, string?> { ["Farm:Policy:File"] = _file });
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        File.Delete(_file);
    }

    [Fact]
    public async Task PolicyShowAndTest_UpstreamPassword_Redacted()
    {
        var show = await Farmctl.RunAsync(_node.Admin, "policy", "show");
        var showJson = await Farmctl.RunAsync(_node.Admin, "policy", "show", "--json");
        var test = await Farmctl.RunAsync(_node.Admin, "policy", "test", "--from", "127.0.0.1", "--to", "db.partner.test:80");
        var testJson = await Farmctl.RunAsync(_node.Admin, "policy", "test", "--from", "127.0.0.1", "--to", "db.partner.test:80", "--json");

        Assert.Contains("password \"***\"", show.Output, StringComparison.Ordinal);
        Assert.Contains("via socks5 127.0.0.1:1", test.Output, StringComparison.Ordinal);
        foreach (var result in new[] { show, showJson, test, testJson })
        {
            Assert.Equal(0, result.ExitCode);
            Assert.DoesNotContain(Secret, result.Output + result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PolicyTest_NamePassBeforeAddressBlock_Warns()
    {
        var test = await Farmctl.RunAsync(_node.Admin, "policy", "test", "--from", "127.0.0.1", "--to", "example.org:443");

        Assert.Equal(0, test.ExitCode);
        Assert.Contains(test.Lines, l => l.StartsWith("warning: ", StringComparison.Ordinal) && l.Contains("partner", StringComparison.Ordinal) && l.Contains("inward", StringComparison.Ordinal));
    }
}
