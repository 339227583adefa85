using Farm.Node.Relaying;
using Microsoft.Extensions.Time.Testing;

namespace Farm.Node.Tests.Relaying;

public sealed class TokenBucketTests
{
    private readonly FakeTimeProvider _time = new();

    [Theory]
    [InlineData(1_000, 1_000)]
    [InlineData(10_000, 4_096)]
    [InlineData(65_536, 6_553)]
    [InlineData(1_000_000, 100_000)]
    public void Capacity_ByRate_100MillisecondsWorthAtLeast4KiBAtMostOneSecond(long rate, long capacity)
    {
        Assert.Equal(capacity, new TokenBucket(rate, _time).Capacity);
    }

    [Fact]
    public void Available_Drained_RefillsAtRateUpToCapacity()
    {
        var bucket = new TokenBucket(10_000, _time);
        Assert.Equal(4_096, bucket.Available(64 * 1024));
        bucket.Take(4_096);
        Assert.Equal(0, bucket.Available(64 * 1024));

        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1_000, bucket.Available(64 * 1024));
        Assert.Equal(500, bucket.Available(500));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(4_096, bucket.Available(64 * 1024));
    }

    [Fact]
    public void DelayFor_InDebt_WaitsUntilDebtAndRequestArePaid()
    {
        var bucket = new TokenBucket(10_000, _time);
        bucket.Take(4_096 + 6_000);

        Assert.Equal(TimeSpan.FromMilliseconds(800), bucket.DelayFor(2_000));
        _time.Advance(TimeSpan.FromMilliseconds(799));
        Assert.True(bucket.DelayFor(2_000) > TimeSpan.Zero);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.Zero, bucket.DelayFor(2_000));
    }

    [Fact]
    public void DelayFor_MoreThanCapacity_WaitsOnlyForAFullBucket()
    {
        var bucket = new TokenBucket(10_000, _time);
        bucket.Take(4_096);

        Assert.Equal(TimeSpan.FromMilliseconds(409.6), bucket.DelayFor(1_000_000));
    }

    [Fact]
    public void ReadLoop_OneMegabyteAtRate_TakesSizeLessBurstOverRate()
    {
        const long rate = 65_536;
        const long size = 1_048_576;
        var bucket = new TokenBucket(rate, _time);
        var start = _time.GetTimestamp();
        long sent = 0;
        while (sent < size)
        {
            _time.Advance(bucket.DelayFor(bucket.Capacity / 2));
            var chunk = bucket.Available((int)Math.Min(64 * 1024, size - sent));
            bucket.Take(chunk);
            sent += chunk;
        }

        var expected = (double)(size - bucket.Capacity) / rate;
        Assert.InRange(_time.GetElapsedTime(start).TotalSeconds, expected * 0.99, expected * 1.01);
    }

    [Fact]
    public void TryTake_FloodOverRate_RefusedAndNotCharged()
    {
        var bucket = new TokenBucket(10_000, _time);
        var passed = Enumerable.Range(0, 100).Count(_ => bucket.TryTake(1_000));
        Assert.Equal(4, passed);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(bucket.TryTake(1_000));
        Assert.False(bucket.TryTake(1_000));
    }

    [Fact]
    public void TryTake_DatagramLargerThanBurst_PassesOnlyFromAFullBucket()
    {
        var bucket = new TokenBucket(1_000, _time);

        Assert.True(bucket.TryTake(8_000));
        _time.Advance(TimeSpan.FromSeconds(7.5));
        Assert.False(bucket.TryTake(8_000));
        _time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.True(bucket.TryTake(8_000));
    }
}
