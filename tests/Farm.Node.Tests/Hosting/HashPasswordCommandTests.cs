using Farm.Node.Hosting;
using Farm.Shared.Policy;
using Farm.Shared.Security;

namespace Farm.Node.Tests.Hosting;

public sealed class HashPasswordCommandTests
{
    [Fact]
    public void Run_PasswordOnStandardInput_PrintsUserLineThatThePolicyAccepts()
    {
        var output = new StringWriter();

        var exit = HashPasswordCommand.Run(["hash-password", "alice"], new StringReader("correct horse\n"), output, new StringWriter());

        Assert.Equal(0, exit);
        var line = output.ToString().Trim();
        Assert.StartsWith("user alice pbkdf2-sha256$600000$", line);
        Assert.DoesNotContain("correct horse", line);
        Assert.True(PasswordHasher.Verify(line.Split(' ')[2], "correct horse"));
        var parsed = PolicyParser.Parse(line);
        Assert.True(parsed.Success, string.Join("; ", parsed.Errors));
    }

    [Fact]
    public void Run_NoPassword_UsageErrorAndNothingPrinted()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = HashPasswordCommand.Run(["hash-password"], new StringReader(string.Empty), output, error);

        Assert.Equal(2, exit);
        Assert.Empty(output.ToString());
        Assert.Contains("no password", error.ToString());
    }
}
