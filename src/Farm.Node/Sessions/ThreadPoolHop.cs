using System.Runtime.CompilerServices;

namespace Farm.Node.Sessions;

/// <summary>
/// Awaited, moves a session's flow from a socket event-loop thread to the thread pool. Socket
/// completions run inline on the event loop (Program.cs), which suits relaying: a relayed chunk is
/// one receive and one send. Dialing and the teardown (closing both sockets, the session record,
/// stopping the actor) cost far more kernel time; on the pool they run beside the event loop
/// instead of holding up every relay's next chunk behind them. On a pool thread already, it is a
/// no-op.
/// </summary>
public readonly struct ThreadPoolHop : ICriticalNotifyCompletion
{
    public static ThreadPoolHop ToPool() => default;

    public bool IsCompleted => Thread.CurrentThread.IsThreadPoolThread;

    public ThreadPoolHop GetAwaiter() => this;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) =>
        ThreadPool.QueueUserWorkItem(static run => run(), continuation, preferLocal: false);

    public void UnsafeOnCompleted(Action continuation) =>
        ThreadPool.UnsafeQueueUserWorkItem(static run => run(), continuation, preferLocal: false);
}
