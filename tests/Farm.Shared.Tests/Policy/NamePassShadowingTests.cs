using Farm.Shared.Policy;

namespace Farm.Shared.Tests.Policy;

public class NamePassShadowingTests
{
    [Fact]
    public void Find_NamePassBeforeAddressBlock_Warns()
    {
        var warnings = NamePassShadowing.Find(TestHashes.Parse("pass connect to *.example.org name web\nblock any to 127.0.0.0/8 name inward\n"));

        var warning = Assert.Single(warnings);
        Assert.Contains("rule 'web' (line 1) passes *.example.org before rule 'inward' (line 2) blocks 127.0.0.0/8", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("block any to 127.0.0.0/8\npass connect to *.example.org\n")]
    [InlineData("pass connect to 1.2.3.4\nblock any to 127.0.0.0/8\n")]
    [InlineData("pass connect to example.org port 443\nblock any to 127.0.0.0/8 port 22\n")]
    [InlineData("pass udp to example.org\nblock connect to 127.0.0.0/8\n")]
    [InlineData("pass connect from 10.0.0.0/8 to example.org\nblock any from 192.168.0.0/16 to 127.0.0.0/8\n")]
    [InlineData("pass connect to example.org\nblock any to example.com\n")]
    public void Find_NoNamePassAheadOfAnOverlappingAddressBlock_Silent(string text) =>
        Assert.Empty(NamePassShadowing.Find(TestHashes.Parse(text)));
}
