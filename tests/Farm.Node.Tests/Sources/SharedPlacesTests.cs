using System.Net;
using Farm.Node.Sources;
using Farm.Shared.Net;

namespace Farm.Node.Tests.Sources;

/// <summary>The one rule for the node-wide places of lookups and extra dial attempts: half at most per source, a freed place to the source holding fewest.</summary>
public sealed class SharedPlacesTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress C = IPAddress.Parse("10.0.0.3");
    private static readonly IPAddress D = IPAddress.Parse("10.0.0.4");

    [Fact]
    public void OneSource_TakesAtMostHalf_AnotherTakesTheRest()
    {
        var places = new SharedPlaces(16, SourcePrefixLengths.PerHost);

        Assert.All(Enumerable.Range(0, 8), _ => Assert.True(places.TryTake(A)));
        Assert.False(places.TryTake(A));
        Assert.All(Enumerable.Range(0, 8), _ => Assert.True(places.TryTake(B)));
        Assert.False(places.TryTake(C));
        Assert.Equal(16, places.InUse);
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
        places.Release(A);
        await fromB.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(4, places.InUse);
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
