using System.Net;
using Farm.Lighthouse.Discovery;
using Farm.Lighthouse.Tests.Dns;
using Microsoft.Extensions.Time.Testing;

namespace Farm.Lighthouse.Tests.Discovery;

public sealed class LostScrapeTargetsTests
{
    private static readonly IPEndPoint Node4 = IPEndPoint.Parse("127.0.0.14:9464");
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Remembered_ListedUntilKeepLostForHasPassed()
    {
        var targets = new LostScrapeTargets(TimeSpan.FromHours(1), _time);
        targets.Remember("node-4", "socks", Node4);

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(("node-4", "socks", Node4), Single(targets));

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Empty(targets.Listed([]));
    }

    [Fact]
    public void MemberAdvertisingTheEndpointAgain_NotListedAsLost()
    {
        var targets = new LostScrapeTargets(TimeSpan.FromHours(1), _time);
        targets.Remember("node-1", "socks", Farms.Node(1).Metrics!);

        Assert.Empty(targets.Listed([Farms.Node(1)]));
        Assert.Single(targets.Listed([Farms.Node(2)]));
    }

    [Fact]
    public void SameEndpointLostTwice_ListedOnce_WithTheLatestName()
    {
        var targets = new LostScrapeTargets(TimeSpan.FromHours(1), _time);
        targets.Remember("old-name", "socks", Node4);
        targets.Remember("node-4", "socks", Node4);

        Assert.Equal(("node-4", "socks", Node4), Single(targets));
    }

    [Fact]
    public void MoreLossesThanCapacity_TheOldestForgotten()
    {
        var targets = new LostScrapeTargets(TimeSpan.FromHours(1), _time);
        for (var i = 0; i <= LostScrapeTargets.Capacity; i++)
        {
            targets.Remember($"node-{i}", "socks", new IPEndPoint(IPAddress.Loopback, 10000 + i));
        }

        var listed = targets.Listed([]);
        Assert.Equal(LostScrapeTargets.Capacity, listed.Count);
        Assert.DoesNotContain(listed, target => target.Name == "node-0");
    }

    [Fact]
    public void KeepLostForZero_NothingKept()
    {
        var targets = new LostScrapeTargets(TimeSpan.Zero, _time);
        targets.Remember("node-4", "socks", Node4);

        Assert.Empty(targets.Listed([]));
    }

    private static (string Name, string Role, IPEndPoint Metrics) Single(LostScrapeTargets targets)
    {
        var target = Assert.Single(targets.Listed([]));
        return (target.Name, target.Role, target.Metrics);
    }
}
