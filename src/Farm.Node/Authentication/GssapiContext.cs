using System.Buffers;
using System.Net.Security;

namespace Farm.Node.Authentication;

/// <summary>
/// One client's server-side Kerberos context. Its steps run on the bounded authentication threads while the
/// handshake may give up on its deadline and dispose it, so every use holds a lock and a disposed context
/// refuses instead of touching freed native state.
/// </summary>
public sealed class GssapiContext : IDisposable
{
    private readonly NegotiateAuthentication _negotiation;
    private readonly Lock _gate = new();
    private bool _disposed;

    internal GssapiContext(NegotiateAuthentication negotiation) => _negotiation = negotiation;

    public GssapiStep Step(byte[] token)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return GssapiStep.Failed;
            }

            var reply = _negotiation.GetOutgoingBlob(token, out var status);
            return status switch
            {
                NegotiateAuthenticationStatusCode.Completed when _negotiation.IsAuthenticated =>
                    new GssapiStep(GssapiStepOutcome.Completed, reply, _negotiation.RemoteIdentity.Name),
                NegotiateAuthenticationStatusCode.ContinueNeeded => new GssapiStep(GssapiStepOutcome.ContinueNeeded, reply, null),
                _ => GssapiStep.Failed,
            };
        }
    }

    /// <summary>gss_unwrap of a protection-level token; null when it does not verify.</summary>
    public byte[]? Unwrap(ReadOnlySpan<byte> token)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return null;
            }

            var plain = new ArrayBufferWriter<byte>();
            return _negotiation.Unwrap(token, plain, out _) == NegotiateAuthenticationStatusCode.Completed ? plain.WrittenSpan.ToArray() : null;
        }
    }

    /// <summary>gss_wrap without confidentiality, as RFC 1961 §4.4 asks for the protection-level reply; null on failure.</summary>
    public byte[]? Wrap(ReadOnlySpan<byte> plain)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return null;
            }

            var wrapped = new ArrayBufferWriter<byte>();
            return _negotiation.Wrap(plain, wrapped, requestEncryption: false, out _) == NegotiateAuthenticationStatusCode.Completed ? wrapped.WrittenSpan.ToArray() : null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _disposed = true;
                _negotiation.Dispose();
            }
        }
    }
}
