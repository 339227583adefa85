using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Farm.Node.Sessions;

/// <summary>
/// An unbounded queue that allocates its storage with the first message and lets it go once
/// drained: a connection's messages come one at a time, far apart, so a lock is uncontended and
/// an idle session carries only this object and its lock.
/// </summary>
public sealed class ConnectionMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    private readonly Lock _lock = new();
    private Queue<Envelope>? _queue;
    private int _count;

    public bool HasMessages => Volatile.Read(ref _count) > 0;

    public int Count => Volatile.Read(ref _count);

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_lock)
        {
            (_queue ??= new Queue<Envelope>(1)).Enqueue(envelope);
            Volatile.Write(ref _count, _count + 1);
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (_lock)
        {
            if (_queue is null)
            {
                envelope = default;
                return false;
            }

            envelope = _queue.Dequeue();
            Volatile.Write(ref _count, _count - 1);
            if (_count == 0)
            {
                _queue = null;
            }

            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
        {
            deadletters.Enqueue(owner, envelope);
        }
    }
}
