using Farm.Node.Sessions;

namespace Farm.Node.Tests.Sessions;

public sealed class ThreadPoolHopTests
{
    [Fact]
    public async Task FromAThreadOutsideThePool_TheFlowGoesOnOnAPoolThread()
    {
        var onPool = new TaskCompletionSource<(bool Before, bool After)>(TaskCreationOptions.RunContinuationsAsynchronously);

        // Stands in for a socket event-loop thread: a thread of its own, not the pool's.
        var loop = new Thread(() => _ = HopAsync(onPool)) { IsBackground = true };
        loop.Start();

        var (before, after) = await onPool.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(before);
        Assert.True(after);
    }

    [Fact]
    public async Task OnAPoolThread_ItDoesNotHop()
    {
        await Task.Run(() =>
        {
            Assert.True(Thread.CurrentThread.IsThreadPoolThread);
            Assert.True(ThreadPoolHop.ToPool().GetAwaiter().IsCompleted);
        });
    }

    private static async Task HopAsync(TaskCompletionSource<(bool Before, bool After)> done)
    {
        var before = Thread.CurrentThread.IsThreadPoolThread;
        await ThreadPoolHop.ToPool();
        done.SetResult((before, Thread.CurrentThread.IsThreadPoolThread));
    }
}
