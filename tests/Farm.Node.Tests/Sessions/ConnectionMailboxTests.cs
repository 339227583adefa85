using Akka.Actor;
using Akka.Dispatch.MessageQueues;
using Akka.TestKit.Xunit2;
using Farm.Node.Sessions;

namespace Farm.Node.Tests.Sessions;

public sealed class ConnectionMailboxTests() : TestKit(ConnectionMailbox.Hocon)
{
    [Fact]
    public void Queue_KeepsOrder_AndCountsWhatItHolds()
    {
        var queue = new ConnectionMessageQueue();
        Assert.False(queue.HasMessages);

        for (var i = 0; i < 5; i++)
        {
            queue.Enqueue(TestActor, new Envelope(i, TestActor));
        }

        Assert.True(queue.HasMessages);
        Assert.Equal(5, queue.Count);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(queue.TryDequeue(out var envelope));
            Assert.Equal(i, envelope.Message);
        }

        Assert.False(queue.TryDequeue(out _));
        Assert.Equal(0, queue.Count);

        // Usable again once drained (its storage was let go).
        queue.Enqueue(TestActor, new Envelope("again", TestActor));
        Assert.True(queue.TryDequeue(out var last));
        Assert.Equal("again", last.Message);
    }

    [Fact]
    public void CleanUp_HandsEveryLeftoverToDeadLetters()
    {
        var queue = new ConnectionMessageQueue();
        var deadLetters = new UnboundedMessageQueue();
        queue.Enqueue(TestActor, new Envelope("a", TestActor));
        queue.Enqueue(TestActor, new Envelope("b", TestActor));

        queue.CleanUp(TestActor, deadLetters);

        Assert.False(queue.HasMessages);
        Assert.Equal(2, deadLetters.Count);
        Assert.True(deadLetters.TryDequeue(out var first));
        Assert.Equal("a", first.Message);
    }

    [Fact]
    public void Actor_WithTheMailbox_GetsConcurrentSendersMessagesExactlyOnce()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()).WithMailbox(ConnectionMailbox.ConfigPath));
        const int Senders = 4;
        const int PerSender = 500;

        Parallel.For(0, Senders, s =>
        {
            for (var i = 0; i < PerSender; i++)
            {
                echo.Tell(s * PerSender + i, TestActor);
            }
        });

        var seen = ReceiveN(Senders * PerSender, TimeSpan.FromSeconds(10)).Cast<int>().ToList();
        Assert.Equal(Enumerable.Range(0, Senders * PerSender), seen.Order());
    }

    private sealed class Echo : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message);
    }
}
