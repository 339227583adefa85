using Farm.Shared.Discovery;

namespace Farm.Shared.Tests.Discovery;

public sealed class AdvertisedNameTests
{
    [Theory]
    [InlineData("node1", "node1")]
    [InlineData("Node_One", "node-one")]
    [InlineData("-edge.host.example-", "edge-host-example")]
    [InlineData("___", "member")]
    public void From_ConfiguredName_IsADnsLabel(string configured, string expected) =>
        Assert.Equal(expected, AdvertisedName.From(configured));

    [Fact]
    public void From_LongName_IsCutTo63()
    {
        var label = AdvertisedName.From(new string('a', 80));

        Assert.Equal(63, label.Length);
    }

    [Fact]
    public void From_Unset_UsesTheHostName() =>
        Assert.Equal(AdvertisedName.From(Environment.MachineName), AdvertisedName.From(null));
}
