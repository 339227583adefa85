using Akka.Event;
using Akka.Remote.Transport;
using Google.Protobuf;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// An inbound connection whose first message, Akka's ASSOCIATE, must claim an address the certificate
/// the connection presented names; otherwise the connection is closed before Akka reads the claim.
/// Without it a process holding any farm certificate could claim another member's address and join as
/// its new incarnation, which downs the real member.
/// </summary>
public sealed class ClaimCheckingHandle : AssociationHandle
{
    private readonly AssociationHandle _wrapped;

    public ClaimCheckingHandle(AssociationHandle wrapped, PresentedCertificates presented, ILoggingAdapter log)
        : base(wrapped.LocalAddress, wrapped.RemoteAddress)
    {
        _wrapped = wrapped;
        ReadHandlerSource.Task.ContinueWith(
            t => _wrapped.ReadHandlerSource.TrySetResult(new FirstMessageCheck(t.Result, wrapped, presented, log)),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public override bool Write(ByteString payload) => _wrapped.Write(payload);

#pragma warning disable CS0672, CS0618 // The obsolete overload is the abstract one Akka's handles implement; the logging one calls it.
    public override void Disassociate() => _wrapped.Disassociate();
#pragma warning restore CS0672, CS0618

    /// <summary>The claim check on the first payload; every event passes unchanged after it, none after a refusal.</summary>
    private sealed class FirstMessageCheck(IHandleEventListener next, AssociationHandle connection, PresentedCertificates presented, ILoggingAdapter log) : IHandleEventListener
    {
        private int _state; // 0 unchecked, 1 passed, 2 refused: events of one connection arrive in order, one at a time.

        public void Notify(IHandleEvent ev)
        {
            if (_state == 0 && ev is InboundPayload payload)
            {
                var hosts = presented.Take(connection.RemoteAddress);
                var claim = AssociatePdu.ClaimedOrigin(payload.Payload);
                var problem = hosts is null ? "no farm certificate was recorded for the connection"
                    : claim is not { } origin ? "its first message is not an association handshake"
                    : CertificateHosts.Names(hosts, origin.Host) ? null
                    : $"it claims address {origin.Host}:{origin.Port} but its certificate names {(hosts.Count == 0 ? "no host" : string.Join(", ", hosts))}";
                if (problem is not null)
                {
                    _state = 2;
                    var reason = $"cluster TLS: refused the connection from {connection.RemoteAddress}: {problem}";
                    log.Warning("{0}", reason);
                    connection.Disassociate(reason, log);
                    return;
                }

                _state = 1;
            }

            if (_state != 2 || ev is Disassociated)
            {
                next.Notify(ev);
            }
        }
    }
}
