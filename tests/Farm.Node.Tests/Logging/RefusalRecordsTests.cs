using System.Net;
using Farm.Node.Logging;
using Farm.Shared.Net;
using Microsoft.Extensions.Time.Testing;

namespace Farm.Node.Tests.Logging;

public sealed class RefusalRecordsTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void OverTheRatePerSource_Counted_AndSummarisedOnceTheSecondIsOver()
    {
        var records = new RefusalRecords(2, new SourcePrefixLengths(24, 64), _time);
        var flooder = IPAddress.Parse("198.51.100.7");

        Assert.True(records.TryRecord(flooder, "l"));
        Assert.True(records.TryRecord(IPAddress.Parse("198.51.100.8"), "l"));
        Assert.False(records.TryRecord(flooder, "l"));
        Assert.False(records.TryRecord(flooder, "l"));
        Assert.True(records.TryRecord(IPAddress.Parse("198.51.101.7"), "l"));
        Assert.Empty(records.TakeEnded());

        _time.Advance(TimeSpan.FromSeconds(1));
        var summary = Assert.Single(records.TakeEnded());
        Assert.Equal("2 more refused from 198.51.100.7/24 in 1.0 s", summary.Describe());
        Assert.True(records.TryRecord(flooder, "l"));
    }

    [Fact]
    public void AFloodGoingOnPastItsSecond_StartsANewOne_AndTheOldSummaryWaits()
    {
        var records = new RefusalRecords(1, SourcePrefixLengths.PerHost, _time);
        var flooder = IPAddress.Parse("198.51.100.7");
        Assert.True(records.TryRecord(flooder, "l"));
        Assert.False(records.TryRecord(flooder, "l"));

        _time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.True(records.TryRecord(flooder, "l"));
        Assert.False(records.TryRecord(flooder, "l"));
        Assert.True(records.TryRecord(IPAddress.IPv6Loopback, "l"));
        Assert.False(records.TryRecord(IPAddress.Loopback, "l"));

        var summaries = records.TakeEnded();
        Assert.Equal(1, Assert.Single(summaries).Suppressed);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["1 more refused from 198.51.100.7/32 in 1.0 s", "1 more refused from loopback in 1.0 s"], records.TakeEnded().Select(s => s.Describe()).Order());
    }

    [Fact]
    public void FiveHundredSlash64sOfOneSlash48_GetTheSlash48sBudget_AndOneSummaryForTheRest()
    {
        var records = new RefusalRecords(5, SourcePrefixLengths.PerHost, _time);

        var recorded = Enumerable.Range(1, 500).Count(i => records.TryRecord(IPAddress.Parse($"2001:db8:7:{i:x}::1"), "l"));

        Assert.Equal(5 * RefusalRecords.AggregateFactor, recorded);
        Assert.True(records.TryRecord(IPAddress.Parse("2001:db8:8::1"), "l"));
        _time.Advance(TimeSpan.FromSeconds(1));
        var summary = Assert.Single(records.TakeEnded());
        Assert.Equal("420 more refused from 2001:db8:7::/48 in 1.0 s", summary.Describe());
    }

    [Fact]
    public void ManySourcesAtOnce_GetTheNodesBudget_AndOneSummaryForTheRest()
    {
        var records = new RefusalRecords(5, SourcePrefixLengths.PerHost, _time, nodePerSecond: 100);

        var recorded = Enumerable.Range(0, 500).Count(i => records.TryRecord(new IPAddress([10, 1, (byte)(i / 250), (byte)(i % 250)]), "l"));

        Assert.Equal(100, recorded);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(records.TakeEnded());
        Assert.False(records.TryRecord(IPAddress.Parse("10.2.0.1"), "l"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("401 more refused from all sources in 1.0 s", Assert.Single(records.TakeEnded()).Describe());
        Assert.True(records.TryRecord(IPAddress.Parse("10.2.0.1"), "l"));
    }
}
