using Akka.Event;
using Akka.Remote.Transport;
using Google.Protobuf;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// An inbound connection whose first message, Akka's ASSOCIATE, must claim an address the certificate
/// the connection presented names, and whose later messages may join the cluster only as that address and
/// never down or remove a member (<see cref="ClusterCommandPdu"/>); otherwise the connection is closed
/// before Akka reads the message. Without it a process holding any farm certificate could claim another
/// member's address, or send a Join for it or a Down, and have the real member downed; nor may a message name
/// a sender other than an actor at the claimed address (<see cref="EnvelopeSenderPdu"/>): it would speak as
/// the receiver's own actor, or another member's. Every refusal is
/// counted by reason (<see cref="InboundRefusals"/>).
/// </summary>
public sealed class ClaimCheckingHandle : AssociationHandle
{
    private readonly AssociationHandle _wrapped;

    public ClaimCheckingHandle(AssociationHandle wrapped, PresentedCertificates presented, ILoggingAdapter log)
        : base(wrapped.LocalAddress, wrapped.RemoteAddress)
    {
        _wrapped = wrapped;
        ReadHandlerSource.Task.ContinueWith(
            t => _wrapped.ReadHandlerSource.TrySetResult(new InboundCheck(t.Result, wrapped, presented, log)),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public override bool Write(ByteString payload) => _wrapped.Write(payload);

#pragma warning disable CS0672, CS0618 // The obsolete overload is the abstract one Akka's handles implement; the logging one calls it.
    public override void Disassociate() => _wrapped.Disassociate();
#pragma warning restore CS0672, CS0618

    /// <summary>The claim check on the first payload and the command check on every later one; nothing passes after a refusal.</summary>
    private sealed class InboundCheck(IHandleEventListener next, AssociationHandle connection, PresentedCertificates presented, ILoggingAdapter log) : IHandleEventListener
    {
        private (string Host, int Port)? _origin; // set once the claim passed: events of one connection arrive in order, one at a time.
        private bool _refused;

        public void Notify(IHandleEvent ev)
        {
            if (!_refused && ev is InboundPayload payload && (_origin is { } origin ? CommandProblem(payload, origin) : ClaimProblem(payload)) is { } problem)
            {
                _refused = true;
                InboundRefusals.Count(problem.Reason);
                var reason = $"cluster TLS: refused the connection from {connection.RemoteAddress}: {problem.Text}";
                log.Warning("{0}", reason);
                connection.Disassociate(reason, log);
                return;
            }

            if (!_refused || ev is Disassociated)
            {
                next.Notify(ev);
            }
        }

        private (string Reason, string Text)? ClaimProblem(InboundPayload payload)
        {
            var hosts = presented.Take(connection.RemoteAddress);
            var claim = AssociatePdu.ClaimedOrigin(payload.Payload);
            (string, string)? problem = hosts is null ? (InboundRefusals.NoCertificate, "no farm certificate was recorded for the connection")
                : claim is not { } origin ? (InboundRefusals.NotHandshake, "its first message is not an association handshake")
                : CertificateHosts.Names(hosts, origin.Host) ? null
                : (InboundRefusals.Claim, $"it claims address {origin.Host}:{origin.Port} but its certificate names {(hosts.Count == 0 ? "no host" : string.Join(", ", hosts))}");
            _origin = problem is null ? claim : null;
            return problem;
        }

        private static (string Reason, string Text)? CommandProblem(InboundPayload payload, (string Host, int Port) origin)
        {
            var command = ClusterCommandPdu.Read(payload.Payload);
            return command.Kind switch
            {
                ClusterCommandKind.Down => (InboundRefusals.Down, "it asked the cluster to down a member (members down only by their own decision)"),
                ClusterCommandKind.Leave => (InboundRefusals.Leave, "it asked the cluster to remove a member (a member leaves only by its own decision)"),
                ClusterCommandKind.Unreadable => (InboundRefusals.Unreadable, "it sent a message whose envelope cannot be read"),
                ClusterCommandKind.ForeignSerializer => (InboundRefusals.Serializer, command.Serializer == MemberSerializers.Json
                    ? "it sent a message in Akka's JSON serializer (id 1), which members never use between them"
                    : $"it sent a message in serializer id {command.Serializer}, which members do not use between them"),
                ClusterCommandKind.Join when !string.Equals(command.Host, origin.Host, StringComparison.OrdinalIgnoreCase) || command.Port != origin.Port
                    => (InboundRefusals.Join, $"it asked to join as {command.Host}:{command.Port}, not as the address it claimed ({origin.Host}:{origin.Port})"),
                _ => EnvelopeSenderPdu.Problem(payload.Payload, origin) is { } sender ? (InboundRefusals.Sender, sender) : null,
            };
        }
    }
}
