using Akka.Actor;
using Akka.Remote.Transport;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// Wraps the remoting transport in <see cref="PeerCheckingTransport"/>; named in
/// <c>akka.remote.adapters</c> and applied by <see cref="FarmClusterHosting"/> when cluster TLS is on,
/// with the check passed in a <see cref="PeerCheckSetup"/>.
/// </summary>
public sealed class PeerCheckingTransportProvider : ITransportAdapterProvider
{
    public const string Name = "farm-peer-check";

    public Transport Create(Transport wrappedTransport, ExtendedActorSystem system) =>
        system.Settings.Setup.Get<PeerCheckSetup>() is { HasValue: true } setup
            ? new PeerCheckingTransport(wrappedTransport, setup.Value.Check, setup.Value.Presented, system)
            : throw new InvalidOperationException($"{Name} is applied without a {nameof(PeerCheckSetup)}");
}
