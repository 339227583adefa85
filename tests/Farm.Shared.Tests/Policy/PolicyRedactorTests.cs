using Farm.Shared.Policy;

namespace Farm.Shared.Tests.Policy;

public class PolicyRedactorTests
{
    [Theory]
    [InlineData("route to x.test via socks5 up.test:1080 user farm password s3cret", "route to x.test via socks5 up.test:1080 user farm password \"***\"")]
    [InlineData("route to x.test via socks5 up.test:1080 user farm password \"a \\\"b\\\" c\"  # upstream", "route to x.test via socks5 up.test:1080 user farm password \"***\"  # upstream")]
    [InlineData("route to x.test via socks5 up.test:1080 user password password password", "route to x.test via socks5 up.test:1080 user password password \"***\"")]
    public void Redact_UpstreamPassword_Masked(string line, string expected) => Assert.Equal(expected, PolicyRedactor.Redact(line));

    [Fact]
    public void Redact_OtherLines_Unchanged()
    {
        const string text = "# password s3cret\nclient pass from any\npass connect to any auth password\nroute to x.test via egress 10.0.0.1\n";

        Assert.Equal(text, PolicyRedactor.Redact(text));
    }

    [Fact]
    public void Redact_ParsesToTheSameRulesWithTheMask()
    {
        var text = "client pass from any\nroute to *.p.test via socks5 up.test:1080 user farm password \"s 3\"\n";

        var route = (UpstreamRoute)TestHashes.Parse(PolicyRedactor.Redact(text)).Routes[0].Via;

        Assert.Equal(("farm", "***"), (route.User, route.Password));
    }
}
