using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Farm.Shared.Replication;
using Farm.Shared.Security;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// The private CA and certificate of a node without seeds or certificates, kept in its state directory
/// (<see cref="FileName"/>, 0600 in the 0700 directory; made once): the versions it signed stay signed by a
/// key it trusts after a restart, so it enforces its stored version again. The CA's key is dropped once it
/// has signed, as before: no certificate but this one can ever chain to it. Its key is as safe as the
/// durable store beside it: who can read that directory can write the stored versions anyway.
/// </summary>
public static class StandaloneIdentity
{
    public const string FileName = "standalone-identity.pem";

    private const string Setting = "standalone identity";
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const string Remedy =
        "restore it, or remove it to make a new one (this node then no longer enforces the versions it stored before: remove its state directory too, and it seeds from its policy file)";

    /// <summary>The identity kept in <paramref name="directory"/>, made and written there first if there is none.</summary>
    /// <exception cref="ClusterTlsException">The file is there but cannot be used, or cannot be written; one line naming it.</exception>
    public static ClusterTlsMaterial LoadOrCreate(string directory, DateTimeOffset now)
    {
        var path = Path.Combine(directory, FileName);
        return File.Exists(path) ? Load(path, now) : Create(directory, path, now);
    }

    private static ClusterTlsMaterial Load(string path, DateTimeOffset now)
    {
        if (FileOwnership.PrivateKeyProblem(path, Setting) is { } exposed)
        {
            throw new ClusterTlsException(exposed);
        }

        ClusterTlsMaterial material;
        try
        {
            var text = File.ReadAllText(path);
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPem(text);
            if (certificates.Count != 2)
            {
                throw new ClusterTlsException($"{Setting}: {path} holds {certificates.Count} certificates, not 2 (this node's, then its CA's): {Remedy}");
            }

            using var pem = X509Certificate2.CreateFromPem(text, text);
            material = new ClusterTlsMaterial(X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null), certificates[1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new ClusterTlsException($"{Setting}: cannot use {path}: {e.Message}: {Remedy}");
        }

        var problem = CertificateDates.Problem(material.Certificate, now.UtcDateTime)
            ?? (FarmCertificateValidator.ChainsTo(material.Certificate, material.Authority) ? null : "is not signed by the CA beside it");
        if (problem is not null)
        {
            throw new ClusterTlsException($"{Setting}: the certificate in {path} {problem}: {Remedy}");
        }

        return material;
    }

    private static ClusterTlsMaterial Create(string directory, string path, DateTimeOffset now)
    {
        var authority = FarmCertificateAuthority.CreateAuthority("standalone", now);
        var member = FarmCertificateAuthority.Issue(authority, "standalone", CertificateRoles.Members, [], [], now);
        try
        {
            Write(directory, path, string.Join('\n', member.Certificate.TrimEnd(), member.Key.TrimEnd(), authority.Certificate.TrimEnd()) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClusterTlsException($"{Setting}: cannot write {path}: {e.Message}");
        }

        using var pem = X509Certificate2.CreateFromPem(member.Certificate, member.Key);
        return new ClusterTlsMaterial(X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null), X509Certificate2.CreateFromPem(authority.Certificate));
    }

    private static void Write(string directory, string path, string text)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, DirectoryMode);
        }

        var temp = $"{path}.{Guid.NewGuid():N}.new";
        try
        {
            var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = FileMode;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(System.Text.Encoding.ASCII.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }

            // Not overwritten: a file another start wrote meanwhile is the one the stored versions may be signed with.
            File.Move(temp, path, overwrite: false);
            DirectorySync.Flush(directory);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
