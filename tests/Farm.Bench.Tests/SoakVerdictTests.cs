using Farm.Bench.Measure;
using Farm.Bench.Soak;

namespace Farm.Bench.Tests;

/// <summary>The soak's flatness rule on made-up samples: warm-up ignored, medians compared, 5 % either way.</summary>
public sealed class SoakVerdictTests
{
    private static readonly SoakTotals NoLoad = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

    private static List<SoakSample> Series(int minutes, Func<int, ProcessGauges> gauges) =>
        [.. Enumerable.Range(0, minutes * 4).Select(i => new SoakSample(TimeSpan.FromSeconds(15 * i), "node1", gauges(i), NoLoad))];

    [Fact]
    public void SteadyGauges_WithAStartupClimbInTheWarmup_AreFlat()
    {
        // Memory climbs through the first 5 minutes (20 samples), then holds with a little noise.
        var samples = Series(30, i => new ProcessGauges(i < 20 ? 100_000 + (i * 5_000) : 200_000 + (i % 3 * 1_000), 700 + (i % 2), 25));

        var rows = SoakVerdict.Judge(samples, TimeSpan.FromMinutes(5));

        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.True(r.Flat, $"{r.Gauge}: {r.AfterWarmup} -> {r.AtEnd}"));
    }

    [Fact]
    public void MemoryGrowingByTenPercentOverTheRun_IsNotFlat()
    {
        var samples = Series(30, i => new ProcessGauges(200_000 + (i * 200), 700, 25));

        var rss = SoakVerdict.Judge(samples, TimeSpan.FromMinutes(5)).Single(r => r.Gauge.StartsWith("RSS", StringComparison.Ordinal));

        Assert.False(rss.Flat);
        Assert.InRange(rss.Change, 0.05, 0.15);
        Assert.Contains("| NO |", SoakVerdict.Render([rss]));
    }

    [Fact]
    public void DescriptorsLeakingOnePerMinute_AreNotFlat()
    {
        var samples = Series(30, i => new ProcessGauges(200_000, 300 + (i / 4), 25));

        var descriptors = SoakVerdict.Judge(samples, TimeSpan.FromMinutes(5)).Single(r => r.Gauge == "descriptors");

        Assert.False(descriptors.Flat);
    }

    [Fact]
    public void OnlyWarmupSamples_GiveNoVerdict()
    {
        var samples = Series(4, _ => new ProcessGauges(1, 1, 1));

        Assert.Empty(SoakVerdict.Judge(samples, TimeSpan.FromMinutes(5)));
    }
}
