using Farm.Lighthouse.Dns;

namespace Farm.Lighthouse.Tests.Dns;

public sealed class FarmDirectoryTests
{
    [Fact]
    public void New_Empty()
    {
        Assert.Empty(new FarmDirectory().Current);
    }

    [Fact]
    public void Update_ReplacesTheWholeSnapshot()
    {
        var directory = new FarmDirectory();
        directory.Update(Farms.ThreeNodes());

        directory.Update([Farms.Node(1)]);

        Assert.Equal(Farms.Node(1), Assert.Single(directory.Current));
    }

    [Fact]
    public void Update_CopiesSoLaterChangesToTheSourceDoNotLeakIn()
    {
        var directory = new FarmDirectory();
        var source = new List<NodeAdvert> { Farms.Node(1) };
        directory.Update(source);
        var before = directory.Current;

        source.Add(Farms.Node(2));

        Assert.Single(directory.Current);
        Assert.Single(before);
    }

    [Fact]
    public void NodeAdvert_EqualByValueIncludingEndpoints()
    {
        Assert.Equal(Farms.Node(1), Farms.Node(1));
        Assert.Equal(Farms.Node(1).GetHashCode(), Farms.Node(1).GetHashCode());
        Assert.NotEqual(Farms.Node(1), Farms.Node(1, healthy: false));
        Assert.NotEqual(Farms.Node(1), Farms.Node(1) with { Socks = [.. Farms.Node(1).Socks, .. Farms.Node(2).Socks] });
    }

    [Fact]
    public async Task Update_ConcurrentReaders_AlwaysSeeAWholeSnapshot()
    {
        var directory = new FarmDirectory();
        var small = Farms.ThreeNodes(unhealthy: 1);
        var large = Farms.ThreeNodes();
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var writer = Task.Run(() =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                directory.Update(i % 2 == 0 ? small : [.. large.Take(2)]);
            }
        });
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var snapshot = directory.Current;
                Assert.True(snapshot.IsEmpty || snapshot.Length is 2 or 4);
            }
        });

        await Task.WhenAll(writer, reader);
    }
}
