using System.Net;
using Farm.Node.Authentication;
using Farm.Shared.Net;
using Microsoft.Extensions.Time.Testing;

namespace Farm.Node.Tests.Authentication;

public sealed class PasswordFailureThrottleTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void FailuresWithinTheWindow_ThrottleForTheBackoff_ThenFree()
    {
        var throttle = new PasswordFailureThrottle(3, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), _time);
        var source = IPAddress.Parse("192.0.2.7");

        throttle.RecordFailure(source);
        throttle.RecordFailure(source);
        Assert.False(throttle.IsThrottled(source));
        throttle.RecordFailure(source);
        Assert.True(throttle.IsThrottled(source));
        Assert.False(throttle.IsThrottled(IPAddress.Parse("192.0.2.8")));

        _time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        Assert.False(throttle.IsThrottled(source));
    }

    [Fact]
    public void FailuresSpreadBeyondTheWindow_NeverThrottle()
    {
        var throttle = new PasswordFailureThrottle(3, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), _time);
        var source = IPAddress.Parse("192.0.2.7");

        for (var i = 0; i < 10; i++)
        {
            throttle.RecordFailure(source);
            _time.Advance(TimeSpan.FromSeconds(31));
            throttle.RecordFailure(source);
            _time.Advance(TimeSpan.FromSeconds(31));
        }

        Assert.False(throttle.IsThrottled(source));
    }

    [Fact]
    public void Ipv6_OneSlash64CountsAsOneSource()
    {
        var throttle = new PasswordFailureThrottle(2, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), _time);

        throttle.RecordFailure(IPAddress.Parse("2001:db8:1:2::1"));
        throttle.RecordFailure(IPAddress.Parse("2001:db8:1:2:ffff::9"));

        Assert.True(throttle.IsThrottled(IPAddress.Parse("2001:db8:1:2::42")));
        Assert.False(throttle.IsThrottled(IPAddress.Parse("2001:db8:1:3::1")));
    }

    [Fact]
    public void GroupedAsThePerSourceCaps_ConfiguredIpv4PrefixAndLoopbackAsOne()
    {
        var throttle = new PasswordFailureThrottle(2, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), _time, new SourcePrefixLengths(24, 64));

        throttle.RecordFailure(IPAddress.Parse("198.51.100.7"));
        throttle.RecordFailure(IPAddress.Parse("198.51.100.200"));
        throttle.RecordFailure(IPAddress.Parse("127.0.0.2"));
        throttle.RecordFailure(IPAddress.IPv6Loopback);

        Assert.True(throttle.IsThrottled(IPAddress.Parse("198.51.100.9")));
        Assert.False(throttle.IsThrottled(IPAddress.Parse("198.51.101.7")));
        Assert.True(throttle.IsThrottled(IPAddress.Parse("127.0.0.1")));
    }

    /// <summary>Issue 16 LOW: a /48 holds 65,536 /64s; each must not bring a fresh budget of wrong passwords.</summary>
    [Fact]
    public void FailuresFromManySixtyFoursOfOneFortyEight_ThrottleTheWholeFortyEight_NotItsNeighbour()
    {
        const int perSource = 3;
        var throttle = new PasswordFailureThrottle(perSource, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), _time);

        // Each /64 stays under its own budget: one failure short of it.
        var sixtyFours = perSource * PasswordFailureThrottle.AggregateFactor / (perSource - 1) + 1;
        for (var i = 0; i < sixtyFours; i++)
        {
            var source = IPAddress.Parse($"2001:db8:7:{i:x}::1");
            for (var f = 0; f < perSource - 1; f++)
            {
                throttle.RecordFailure(source);
            }
        }

        Assert.True(throttle.IsThrottled(IPAddress.Parse("2001:db8:7:ffff::1")), "a fresh /64 of the guessing /48 was not throttled");
        Assert.False(throttle.IsThrottled(IPAddress.Parse("2001:db8:8::1")));
        Assert.False(throttle.IsThrottled(IPAddress.Parse("192.0.2.7")));

        _time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        Assert.False(throttle.IsThrottled(IPAddress.Parse("2001:db8:7:ffff::1")));
    }
}
