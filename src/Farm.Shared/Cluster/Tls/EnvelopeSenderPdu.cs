using Akka.Actor;
using Google.Protobuf;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// Reads the sender path an inbound remoting message carries in its envelope (<c>RemoteEnvelope.sender</c>,
/// WireFormats.proto) and tells whether it names the connection's claimed origin. Classic remoting takes the
/// path as the remote side wrote it and resolves it on the receiver: a path naming the receiver's own address,
/// or no address at all, becomes one of the receiver's own actors, so a peer could speak as the receiver itself.
/// Akka writes every sender with its own system's address, so only the origin's host and port pass. Pure.
/// </summary>
public static class EnvelopeSenderPdu
{
    private const int Payload = 1;
    private const int Envelope = 2;
    private const int Sender = 4;
    private const int Path = 1;

    /// <summary>Why the sender of <paramref name="pdu"/> is not an actor of <paramref name="origin"/>, or null (no message, or no sender).</summary>
    public static string? Problem(ByteString pdu, (string Host, int Port) origin)
    {
        try
        {
            if (ProtoFields.Scalar(pdu, Payload) is not { } payload || ProtoFields.Scalar(payload, Envelope) is null)
            {
                return null;
            }

            // The field's presence is what makes Akka resolve a sender; absent, the message has none (NoSender).
            var envelope = ProtoFields.Merged(payload, Envelope);
            if (ProtoFields.Scalar(envelope, Sender) is null)
            {
                return null;
            }

            var path = (ProtoFields.Scalar(ProtoFields.Merged(envelope, Sender), Path) ?? ByteString.Empty).ToStringUtf8();
            return !ActorPath.TryParse(path, out var parsed) ? $"its message names sender '{Shown(path)}', which is no actor path"
                : parsed.Address.Host is not { } host || parsed.Address.Port is not { } port ? $"its message names sender {Shown(path)}, a path with no host and port (one of the receiver's own actors)"
                : !string.Equals(host, origin.Host, StringComparison.OrdinalIgnoreCase) || port != origin.Port ? $"its message names sender {Shown(path)}, not an actor at the address it claimed ({origin.Host}:{origin.Port})"
                : null;
        }
        catch (InvalidProtocolBufferException)
        {
            return "it sent a message whose envelope cannot be read";
        }
    }

    // The path goes into one log line: bounded, and without control characters.
    private static string Shown(string path) =>
        new([.. (path.Length > 200 ? path[..200] + "..." : path).Select(c => char.IsControl(c) ? '?' : c)]);
}
