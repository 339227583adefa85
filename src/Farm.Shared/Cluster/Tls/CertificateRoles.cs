using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// The cluster roles a member certificate is issued for, as subject alternative name URIs
/// <c>urn:farm:role:&lt;role&gt;</c>: a member may run only the roles its certificate names. Role
/// <c>operator</c> is a person's, not a member's: it signs policy writes with farmctl and joins nothing.
/// </summary>
public static class CertificateRoles
{
    public const string UriPrefix = "urn:farm:role:";

    public const string Operator = "operator";

    /// <summary>The roles a member joins the cluster with.</summary>
    public static readonly IReadOnlySet<string> Members = new HashSet<string>(StringComparer.Ordinal) { "lighthouse", "socks" };

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal) { "lighthouse", "socks", Operator };

    private const string SubjectAlternativeName = "2.5.29.17";

    private static readonly Asn1Tag UniformResourceIdentifier = new(TagClass.ContextSpecific, 6);

    public static Uri UriFor(string role) => new(UriPrefix + role);

    /// <summary>The roles named in <paramref name="certificate"/>; empty when it names none (or its names cannot be read).</summary>
    public static IReadOnlySet<string> Of(X509Certificate2 certificate)
    {
        var roles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != SubjectAlternativeName)
            {
                continue;
            }

            try
            {
                var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
                while (names.HasData)
                {
                    if (names.PeekTag() == UniformResourceIdentifier
                        && names.ReadCharacterString(UniversalTagNumber.IA5String, UniformResourceIdentifier) is { } uri
                        && uri.StartsWith(UriPrefix, StringComparison.Ordinal))
                    {
                        roles.Add(uri[UriPrefix.Length..]);
                    }
                    else
                    {
                        names.ReadEncodedValue();
                    }
                }
            }
            catch (Exception e) when (e is AsnContentException or CryptographicException)
            {
                // A malformed name list grants no role: fail closed.
                return new HashSet<string>();
            }
        }

        return roles;
    }
}
