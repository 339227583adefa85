using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Hosting;

/// <summary>Outsider review of issue 16: a dial setting of 0 crashed the node with a stack trace (exit 134) instead of one line.</summary>
public sealed class DialSettingsStartupTests
{
    [Theory]
    [InlineData("FARM__SOCKS__DIALATTEMPTSINFLIGHT", "Farm:Socks:DialAttemptsInFlight must be at least 1, not 0")]
    [InlineData("FARM__SOCKS__DIALATTEMPTSPERREQUEST", "Farm:Socks:DialAttemptsPerRequest must be at least 1, not 0")]
    public async Task DialSettingOfZero_NodeExitsOneWithTheSettingInOneLine(string variable, string line)
    {
        var (exitCode, diagnostics) = await ExternalNodeProcess.RunUntilExitAsync(new Dictionary<string, string> { [variable] = "0" }, TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 1, $"exit code {exitCode}: {diagnostics}");
        Assert.Contains($"farm-node: {line}", diagnostics, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", diagnostics, StringComparison.Ordinal);
    }
}
