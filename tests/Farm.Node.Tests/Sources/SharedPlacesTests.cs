using System.Net;
using Farm.Node.Sources;
using Farm.Shared.Net;

namespace Farm.Node.Tests.Sources;

/// <summary>The one rule for the node-wide places of lookups and extra dial attempts: a source's share is the places over the sources plus one, an IPv6 /48 counts as one source, a freed place to the source holding fewest.</summary>
public sealed class SharedPlacesTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress C = IPAddress.Parse("10.0.0.3");
    private static readonly IPAddress D = IPAddress.Parse("10.0.0.4");

    [Fact]
    public void EachSource_TakesThePlacesOverTheSourcesPlusOne_SoAThirdStillFindsOne()
    {
        var places = new SharedPlaces(16, SourcePrefixLengths.PerHost);

        Assert.All(Enumerable.Range(0, 8), _ => Assert.True(places.TryTake(A)));
        Assert.False(places.TryTake(A));
        Assert.All(Enumerable.Range(0, 5), _ => Assert.True(places.TryTake(B)));
        Assert.False(places.TryTake(B));
        Assert.All(Enumerable.Range(0, 3), _ => Assert.True(places.TryTake(C)));
        Assert.False(places.TryTake(D));
        Assert.Equal(16, places.InUse);
    }

    [Fact]
    public void TwoSlash64sOfOneSlash48_HoldOneSourcesShare_AndAThirdSourceStillGetsAPlace()
    {
        var places = new SharedPlaces(16, SourcePrefixLengths.PerHost);
        var first = IPAddress.Parse("2001:db8:1:1::7");
        var second = IPAddress.Parse("2001:db8:1:2::7");
        var elsewhere = IPAddress.Parse("2001:db8:2:1::7");

        var taken = 0;
        for (var i = 0; i < 16; i++)
        {
            taken += (places.TryTake(first) ? 1 : 0) + (places.TryTake(second) ? 1 : 0);
        }

        Assert.Equal(8, taken);
        Assert.True(places.TryTake(elsewhere));
        Assert.True(places.TryTake(A));
    }

    [Fact]
    public async Task FreedPlace_GoesToTheWaitingSourceHoldingFewest_NotTheOldestWaiter()
    {
        var places = new SharedPlaces(4, SourcePrefixLengths.PerHost);
        places.TryTake(A);
        places.TryTake(A);
        places.TryTake(B);
        places.TryTake(C);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var fromB = places.TakeAsync(B, cancel.Token);
        var fromD = places.TakeAsync(D, cancel.Token);

        places.Release(A);

        await fromD.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(fromB.IsCompleted);

        // B, C and D share 4 places: one each, and one left for a newcomer; B, holding its one, waits.
        places.Release(A);
        Assert.False(fromB.IsCompleted);
        Assert.True(places.TryTake(A));
        Assert.Equal(4, places.InUse);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fromB);
    }

    [Fact]
    public async Task Waiter_CancelledBeforeAPlaceFrees_ThrowsAndHoldsNothing()
    {
        var places = new SharedPlaces(2, SourcePrefixLengths.PerHost);
        places.TryTake(A);
        places.TryTake(B);
        using var cancel = new CancellationTokenSource();
        var waiting = places.TakeAsync(C, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        places.Release(A);
        Assert.Equal(1, places.InUse);
        Assert.True(places.TryTake(C));
    }
}
