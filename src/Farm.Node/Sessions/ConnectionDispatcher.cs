using Akka.Configuration;
using Akka.Dispatch;

namespace Farm.Node.Sessions;

/// <summary>
/// The dispatcher of connection actors: a connection's mailbox runs on the thread that gave it
/// work (the supervisor creating it, the session's flow reporting its end, a kill), instead of
/// being handed to the thread pool. Each hand-off was a wake-up and a context switch, two of the
/// four per connection. Safe because a connection's messages are few and short and never block,
/// and the mailbox still runs one message at a time: a sender that finds it busy only enqueues.
/// </summary>
public sealed class ConnectionDispatcher(Config config, IDispatcherPrerequisites prerequisites) : ExecutorServiceConfigurator(config, prerequisites)
{
    /// <summary>The configuration path the connection actor's props name.</summary>
    public const string ConfigPath = "farm.connection-dispatcher";

    public static readonly string Hocon = $"{ConfigPath} {{ type = Dispatcher, executor = \"{typeof(ConnectionDispatcher).AssemblyQualifiedName}\", throughput = 16 }}";

    public override ExecutorService Produce(string id) => new CallingThreadExecutor(id);

    private sealed class CallingThreadExecutor(string id) : ExecutorService(id)
    {
        public override void Execute(IRunnable run) => run.Run();

        public override void Shutdown()
        {
        }
    }
}
