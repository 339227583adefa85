using Farm.Node.Relaying;
using Microsoft.Extensions.Time.Testing;

namespace Farm.Node.Tests.Relaying;

public sealed class RelayThrottleTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task WaitAsync_DelayPasses_CompletesTrueEachTime()
    {
        using var throttle = new RelayThrottle(10_000, 64 * 1024, _time);
        for (var i = 0; i < 3; i++)
        {
            throttle.Charge(throttle.Window(64 * 1024));
            var delay = throttle.Delay;
            Assert.Equal(TimeSpan.FromMilliseconds(204.8), delay);

            var wait = throttle.WaitAsync(delay);
            _time.Advance(delay - TimeSpan.FromTicks(1));
            Assert.False(wait.IsCompleted);
            _time.Advance(TimeSpan.FromTicks(1));

            Assert.True(await wait);
            Assert.Equal(TimeSpan.Zero, throttle.Delay);
        }
    }

    [Fact]
    public async Task Halt_DuringWait_CompletesFalseWithoutTime()
    {
        using var throttle = new RelayThrottle(10_000, 64 * 1024, _time);
        var wait = throttle.WaitAsync(TimeSpan.FromHours(1));
        Assert.False(wait.IsCompleted);

        throttle.Halt();

        Assert.False(await wait);
    }

    [Fact]
    public async Task WaitAsync_AfterHalt_CompletesFalseAtOnce()
    {
        using var throttle = new RelayThrottle(10_000, 64 * 1024, _time);
        throttle.Halt();

        var wait = throttle.WaitAsync(TimeSpan.FromHours(1));

        Assert.True(wait.IsCompleted);
        Assert.False(await wait);
    }

    [Fact]
    public void Delay_BufferSmallerThanHalfTheBurst_WaitsForOneBufferOnly()
    {
        using var throttle = new RelayThrottle(10_000_000, 16 * 1024, _time);
        throttle.Charge(throttle.Window(int.MaxValue));

        Assert.Equal(TimeSpan.FromTicks((long)Math.Ceiling(16 * 1024 * 1e7 / 10_000_000)), throttle.Delay);
    }
}
