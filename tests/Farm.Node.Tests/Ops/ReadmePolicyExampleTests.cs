using System.Net;
using System.Text.RegularExpressions;
using Farm.Node.Tests.Support;
using Farm.Shared.Policy;
using Farm.Shared.Security;
using Farm.Shared.Socks;

namespace Farm.Node.Tests.Ops;

/// <summary>The README's example policy, as an operator would copy it, keeps a logged-in user off the node's own machine.</summary>
public sealed partial class ReadmePolicyExampleTests
{
    private static readonly CompiledPolicy Policy = Compile();

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::127.0.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("2002:7f00:1::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe")]
    public void ReadmeExample_AddressReachingThisMachine_BlockedForALoggedInUser(string address)
    {
        var decision = Policy.Decide(new PolicyRequest(
            SocksCommand.Connect, IPAddress.Parse("10.1.2.3"), IPAddress.Parse("10.1.0.10"), null, IPAddress.Parse(address), 80, AuthMethod.Password, "alice"));

        Assert.Equal(PolicyAction.Block, decision.Action);
    }

    [Fact]
    public void ReadmeExample_PublicAddress_PassesForALoggedInUser() =>
        Assert.Equal(PolicyAction.Pass, Policy.Decide(new PolicyRequest(
            SocksCommand.Connect, IPAddress.Parse("10.1.2.3"), IPAddress.Parse("10.1.0.10"), null, IPAddress.Parse("93.184.216.34"), 80, AuthMethod.Password, "alice")).Action);

    private static CompiledPolicy Compile()
    {
        var readme = File.ReadAllText(RepoFiles.Path("README.md"));
        var section = readme[readme.IndexOf("## The policy", StringComparison.Ordinal)..];
        var example = ExampleBlock().Match(section).Groups[1].Value
            .Replace("pbkdf2-sha256$600000$<salt>$<hash>", PasswordHasher.Hash("pw", iterations: 1_000), StringComparison.Ordinal);
        var parsed = PolicyParser.Parse(example);
        Assert.True(parsed.Success, string.Join("\n", parsed.Errors));
        return CompiledPolicy.Compile(parsed.Document!);
    }

    [GeneratedRegex(@"```\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();
}
