using System.Net;
using Farm.Node.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace Farm.Node.Tests.Authentication;

/// <summary>The verifier's bound, with a hash that blocks until the test lets it go.</summary>
public sealed class PasswordVerifierTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Flood_HashesAtMostConcurrencyAtOnce_OverflowRefusedWithoutHashing()
    {
        using var verifier = new PasswordVerifier(concurrency: 1, queueLength: 2, Throttle(failures: 1000));
        using var release = new ManualResetEventSlim();
        var started = 0;
        var running = 0;
        var mostAtOnce = 0;
        bool Hash()
        {
            Interlocked.Increment(ref started);
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            release.Wait(Generous);
            Interlocked.Decrement(ref running);
            return false;
        }

        var attempts = Enumerable.Range(0, 10)
            .Select(i => verifier.CheckAsync(IPAddress.Parse($"10.0.0.{i + 1}"), () => false, Hash, CancellationToken.None))
            .ToList();

        // The overflow is answered while the admitted hashes are still held.
        var overflow = attempts.Skip(3).ToList();
        await Task.WhenAll(overflow).WaitAsync(Generous);
        Assert.All(overflow, attempt => Assert.Equal(PasswordVerdict.Overloaded, attempt.Result));

        // The admitted hash runs on the thread pool, so it may not have begun yet; the queued two must not begin.
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref started) >= 1, Generous));
        await Task.Delay(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, Volatile.Read(ref started));

        release.Set();
        var admitted = await Task.WhenAll(attempts.Take(3)).WaitAsync(Generous);
        Assert.All(admitted, verdict => Assert.Equal(PasswordVerdict.Rejected, verdict));
        Assert.Equal(3, Volatile.Read(ref started));
        Assert.Equal(1, mostAtOnce);
    }

    [Fact]
    public async Task AfterTheQueueDrains_PlacesAreFreeAgain()
    {
        using var verifier = new PasswordVerifier(concurrency: 1, queueLength: 0, Throttle(failures: 1000));
        var source = IPAddress.Parse("10.0.0.1");

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(PasswordVerdict.Accepted, await verifier.CheckAsync(source, () => false, () => true, CancellationToken.None).WaitAsync(Generous));
        }
    }

    [Fact]
    public async Task ThrottledSource_RefusedWithoutHashing_OtherSourceStillChecked()
    {
        using var verifier = new PasswordVerifier(concurrency: 1, queueLength: 4, Throttle(failures: 3));
        var attacker = IPAddress.Parse("10.0.0.2");
        var hashes = 0;
        bool Wrong()
        {
            Interlocked.Increment(ref hashes);
            return false;
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(PasswordVerdict.Rejected, await verifier.CheckAsync(attacker, () => false, Wrong, CancellationToken.None).WaitAsync(Generous));
        }

        Assert.Equal(PasswordVerdict.Throttled, await verifier.CheckAsync(attacker, () => true, () => true, CancellationToken.None).WaitAsync(Generous));
        Assert.Equal(3, hashes);
        Assert.Equal(PasswordVerdict.Accepted, await verifier.CheckAsync(IPAddress.Parse("10.0.0.3"), () => false, () => true, CancellationToken.None).WaitAsync(Generous));
    }

    [Fact]
    public async Task KnownPassword_AcceptedWithoutHashing()
    {
        using var verifier = new PasswordVerifier(concurrency: 1, queueLength: 0, Throttle(failures: 1000));

        var verdict = await verifier.CheckAsync(IPAddress.Loopback, () => true, () => throw new InvalidOperationException("hashed"), CancellationToken.None);

        Assert.Equal(PasswordVerdict.Accepted, verdict);
    }

    [Fact]
    public async Task FullQueue_KnownPasswordStillAccepted()
    {
        using var verifier = new PasswordVerifier(concurrency: 1, queueLength: 0, Throttle(failures: 1000));
        using var release = new ManualResetEventSlim();
        bool HeldWrong()
        {
            release.Wait(Generous);
            return false;
        }

        var held = verifier.CheckAsync(IPAddress.Parse("10.0.0.2"), () => false, HeldWrong, CancellationToken.None);

        try
        {
            Assert.Equal(PasswordVerdict.Overloaded, await verifier.CheckAsync(IPAddress.Parse("10.0.0.3"), () => false, () => true, CancellationToken.None).WaitAsync(Generous));
            var known = await verifier.CheckAsync(IPAddress.Parse("10.0.0.4"), () => true, () => throw new InvalidOperationException("hashed"), CancellationToken.None).WaitAsync(Generous);
            Assert.Equal(PasswordVerdict.Accepted, known);
        }
        finally
        {
            release.Set();
        }

        Assert.Equal(PasswordVerdict.Rejected, await held.WaitAsync(Generous));
    }

    [Fact]
    public async Task OverloadRefusals_AreNoPasswordFailure_ButHaveABudgetOfTheirOwn()
    {
        using var verifier = new PasswordVerifier(concurrency: 1, queueLength: 0, Throttle(failures: 2));
        using var release = new ManualResetEventSlim();
        bool HeldWrong()
        {
            release.Wait(Generous);
            return false;
        }

        var held = verifier.CheckAsync(IPAddress.Parse("10.0.0.2"), () => false, HeldWrong, CancellationToken.None);
        var honest = IPAddress.Parse("10.0.0.5");
        var guesser = IPAddress.Parse("10.0.0.7");

        try
        {
            Assert.Equal(PasswordVerdict.Overloaded, await verifier.CheckAsync(honest, () => false, () => true, CancellationToken.None).WaitAsync(Generous));
            Assert.Equal(PasswordVerdict.Overloaded, await verifier.CheckAsync(honest, () => false, () => true, CancellationToken.None).WaitAsync(Generous));
            for (var i = 0; i < 2 * PasswordFailureThrottle.OverflowsPerFailure; i++)
            {
                Assert.Equal(PasswordVerdict.Overloaded, await verifier.CheckAsync(guesser, () => false, () => true, CancellationToken.None).WaitAsync(Generous));
            }
        }
        finally
        {
            release.Set();
        }

        Assert.Equal(PasswordVerdict.Rejected, await held.WaitAsync(Generous));
        // The queue is free again: the source refused twice for want of a place is served, the one refused twenty times is throttled.
        Assert.Equal(PasswordVerdict.Accepted, await verifier.CheckAsync(honest, () => false, () => true, CancellationToken.None).WaitAsync(Generous));
        Assert.Equal(PasswordVerdict.Throttled, await verifier.CheckAsync(guesser, () => true, () => true, CancellationToken.None).WaitAsync(Generous));
    }

    private static PasswordFailureThrottle Throttle(int failures) =>
        new(failures, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), new FakeTimeProvider());

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
            seen = Volatile.Read(ref target);
        }
    }
}
