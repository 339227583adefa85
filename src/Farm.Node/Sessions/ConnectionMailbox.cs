using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Farm.Node.Sessions;

/// <summary>
/// The mailbox of every connection actor. The default one gives each actor a concurrent queue
/// with a 32-slot segment (about 1 KiB) although a connection receives a handful of messages in
/// its whole life; this one holds no storage while empty.
/// </summary>
public sealed class ConnectionMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<ConnectionMessageQueue>
{
    /// <summary>The configuration path the connection actor's props name.</summary>
    public const string ConfigPath = "farm.connection-mailbox";

    public static readonly string Hocon = $"{ConfigPath} {{ mailbox-type = \"{typeof(ConnectionMailbox).AssemblyQualifiedName}\" }}";

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new ConnectionMessageQueue();
}
