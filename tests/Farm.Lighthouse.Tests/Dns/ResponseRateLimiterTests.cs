using System.Net;
using Farm.Lighthouse.Dns;
using Microsoft.Extensions.Time.Testing;

namespace Farm.Lighthouse.Tests.Dns;

public sealed class ResponseRateLimiterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Burst_ThenRate_SlipEveryOtherLimited()
    {
        var limiter = Limiter(new DnsRateLimitOptions { ResponsesPerSecond = 2, Burst = 3, Slip = 2 });
        var source = IPAddress.Parse("192.0.2.7");

        var decisions = Enumerable.Range(0, 7).Select(_ => limiter.Decide(source)).ToList();
        _time.Advance(TimeSpan.FromSeconds(1));
        var refilled = Enumerable.Range(0, 3).Select(_ => limiter.Decide(source)).ToList();

        Assert.Equal(
            [RateDecision.Answer, RateDecision.Answer, RateDecision.Answer, RateDecision.Drop, RateDecision.Slip, RateDecision.Drop, RateDecision.Slip],
            decisions);
        Assert.Equal([RateDecision.Answer, RateDecision.Answer, RateDecision.Drop], refilled);
    }

    [Fact]
    public void SamePrefix_SharesBucket_OtherPrefixDoesNot()
    {
        var limiter = Limiter(new DnsRateLimitOptions { ResponsesPerSecond = 1, Burst = 1, Ipv4PrefixLength = 24, Ipv6PrefixLength = 56 });

        Assert.Equal(RateDecision.Answer, limiter.Decide(IPAddress.Parse("198.51.100.1")));
        Assert.NotEqual(RateDecision.Answer, limiter.Decide(IPAddress.Parse("198.51.100.200")));
        Assert.NotEqual(RateDecision.Answer, limiter.Decide(IPAddress.Parse("::ffff:198.51.100.9")));
        Assert.Equal(RateDecision.Answer, limiter.Decide(IPAddress.Parse("198.51.101.1")));
        Assert.Equal(RateDecision.Answer, limiter.Decide(IPAddress.Parse("2001:db8:0:1200::1")));
        Assert.NotEqual(RateDecision.Answer, limiter.Decide(IPAddress.Parse("2001:db8:0:12ff::2")));
        Assert.Equal(RateDecision.Answer, limiter.Decide(IPAddress.Parse("2001:db8:0:1300::1")));
    }

    [Fact]
    public void ForgedSources_TableStaysWithinCap()
    {
        var limiter = Limiter(new DnsRateLimitOptions { MaxSources = 100, Ipv4PrefixLength = 32 });

        for (var i = 0; i < 10_000; i++)
        {
            limiter.Decide(new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]));
        }

        Assert.Equal(100, limiter.TrackedSources);
    }

    [Fact]
    public void IdleSources_Forgotten()
    {
        var limiter = Limiter(new DnsRateLimitOptions { ResponsesPerSecond = 10, Burst = 20 });
        limiter.Decide(IPAddress.Parse("192.0.2.1"));
        limiter.Decide(IPAddress.Parse("192.0.3.1"));

        _time.Advance(TimeSpan.FromSeconds(2));
        limiter.Decide(IPAddress.Parse("192.0.4.1"));

        Assert.Equal(1, limiter.TrackedSources);
    }

    [Fact]
    public void RateZero_NeverLimits()
    {
        var limiter = Limiter(new DnsRateLimitOptions { ResponsesPerSecond = 0 });

        Assert.All(Enumerable.Range(0, 1000), _ => Assert.Equal(RateDecision.Answer, limiter.Decide(IPAddress.Loopback)));
        Assert.Equal(0, limiter.TrackedSources);
    }

    private ResponseRateLimiter Limiter(DnsRateLimitOptions options) => new(options, _time);
}
