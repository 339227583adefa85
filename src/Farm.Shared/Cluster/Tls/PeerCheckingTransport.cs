using Akka.Actor;
using Akka.Event;
using Akka.Remote.Transport;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// Akka's remoting transport with <see cref="OutboundPeerCheck"/> in front of every outbound
/// association. Akka.Remote 1.5.73 runs CoordinatedShutdown (exit code 79) when a TLS handshake it
/// started fails, so a process squatting a dead member's address could stop every member that dials
/// it. Here such an address only fails the association, which Akka gates and retries. Inbound
/// connections pass <see cref="ClaimCheckingHandle"/>: the address a peer claims must be one its
/// certificate names (the wrapped transport has already refused a certificate not from the farm's CA).
/// </summary>
public sealed class PeerCheckingTransport : Transport
{
    private readonly Transport _wrapped;
    private readonly OutboundPeerCheck _check;
    private readonly PresentedCertificates _presented;
    private readonly ILoggingAdapter _log;

    public PeerCheckingTransport(Transport wrapped, OutboundPeerCheck check, PresentedCertificates presented, ActorSystem system)
    {
        _wrapped = wrapped;
        _check = check;
        _presented = presented;
        _log = Logging.GetLogger(system, typeof(PeerCheckingTransport));
        System = system;
        Config = wrapped.Config;
    }

    public override string SchemeIdentifier => _wrapped.SchemeIdentifier;

    public override long MaximumPayloadBytes => _wrapped.MaximumPayloadBytes;

    public override async Task<(Address, TaskCompletionSource<IAssociationEventListener>)> Listen()
    {
        var (address, wrappedListener) = await _wrapped.Listen();
        var listener = new TaskCompletionSource<IAssociationEventListener>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = listener.Task.ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    wrappedListener.TrySetResult(new ClaimCheckingListener(t.Result, _presented, _log));
                }
                else
                {
                    wrappedListener.TrySetException(t.Exception?.InnerExceptions ?? [new OperationCanceledException()]);
                }
            },
            TaskScheduler.Default);
        return (address, listener);
    }

    public override bool IsResponsibleFor(Address remote) => _wrapped.IsResponsibleFor(remote);

    public override async Task<AssociationHandle> Associate(Address remoteAddress)
    {
        if (remoteAddress.Host is not { } host || remoteAddress.Port is not { } port)
        {
            throw new InvalidAssociationException($"cluster TLS: {remoteAddress} names no host and port");
        }

        var result = await _check.CheckAsync(host, port, CancellationToken.None);

        // Not an InvalidAssociationException without a cause: Akka gates such a failure and retries
        // later, as for any unreachable address, and never quarantines the member for it.
        return result.Passed
            ? await _wrapped.Associate(remoteAddress)
            : throw new InvalidAssociationException($"cluster TLS: not dialing {remoteAddress}: {result.Refusal}", new PeerRefusedException(result.Refusal!));
    }

    public override Task<bool> Shutdown() => _wrapped.Shutdown();

    public override Task<bool> ManagementCommand(object message) => _wrapped.ManagementCommand(message);

    private sealed class ClaimCheckingListener(IAssociationEventListener next, PresentedCertificates presented, ILoggingAdapter log) : IAssociationEventListener
    {
        public void Notify(IAssociationEvent ev) =>
            next.Notify(ev is InboundAssociation inbound ? new InboundAssociation(new ClaimCheckingHandle(inbound.Association, presented, log)) : ev);
    }
}
