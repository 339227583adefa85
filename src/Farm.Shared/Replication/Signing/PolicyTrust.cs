using System.Security.Cryptography.X509Certificates;
using Farm.Shared.Cluster.Tls;

namespace Farm.Shared.Replication.Signing;

/// <summary>
/// This member's side of policy signing: the arbiter signs every version it writes with this member's
/// certificate, and every member enforces (and the arbiter builds on) only versions a lighthouse-role
/// certificate from the farm's CA signed. Off only with cluster TLS off, where there is no CA and any
/// process that reaches remoting can join anyway.
/// </summary>
public sealed class PolicyTrust
{
    private readonly ClusterTlsMaterial? _material;
    private readonly bool _selfWrites;

    /// <param name="selfWrites">
    /// A member without seeds hosts its own arbiter: its own certificate may sign whatever its role (a seedless
    /// node given a socks certificate), and no other socks certificate may.
    /// </param>
    public PolicyTrust(ClusterTlsMaterial? material, bool selfWrites)
    {
        _material = material;
        _selfWrites = selfWrites;
    }

    public static PolicyTrust Off { get; } = new(null, false);

    /// <summary>Whether versions are signed and checked (cluster TLS is on).</summary>
    public bool Enabled => _material is not null;

    /// <summary>The version signed with this member's key, or unchanged when signing is off.</summary>
    public PolicyEnvelope Sign(PolicyEnvelope envelope) =>
        _material is null ? envelope : PolicySignature.Sign(envelope, _material.Certificate);

    /// <summary>Why this member must not enforce or build on <paramref name="envelope"/>, or null.</summary>
    public string? Problem(PolicyEnvelope envelope) =>
        _material is null ? null : PolicySignature.Problem(envelope, _material.Authority, MayWrite);

    public bool Trusts(PolicyEnvelope envelope) => Problem(envelope) is null;

    /// <summary>Why <paramref name="signature"/> does not authorise the write, or null; with signing off every write passes.</summary>
    public string? OperatorProblem(OperatorSignature signature, ApplyPolicy apply) =>
        _material is null ? null : signature.Problem(OperatorSignature.Apply, apply.Text, apply.Expected, apply.Nonce, apply.Author, apply.FromLocalFile, _material.Authority);

    private bool MayWrite(X509Certificate2 signer) =>
        CertificateRoles.Of(signer).Contains(PolicySignature.WriterRole)
        || (_selfWrites && signer.RawDataMemory.Span.SequenceEqual(_material!.Certificate.RawDataMemory.Span));
}
