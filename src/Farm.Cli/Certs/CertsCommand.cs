using System.Net;
using System.Security.Cryptography;
using Farm.Shared.Cluster.Tls;

namespace Farm.Cli.Certs;

/// <summary>
/// <c>farmctl certs init|issue</c>: the farm's CA and member certificates for mutual TLS between
/// members. Needs no member and no network; private keys are written 0600 and never overwritten.
/// </summary>
public static class CertsCommand
{
    public const string CaCertificateFile = "ca.crt";

    public const string CaKeyFile = "ca.key";

    public const string Usage = """
        certs init --out DIR [--farm-name farm]           make the farm's CA: DIR/ca.crt, DIR/ca.key (0600)
        certs issue <member> --role lighthouse|socks --ca-dir DIR --out DIR [--ip a.b.c.d ...] [--dns name ...]
                                          a member certificate signed by the CA for the role(s) given
                                          (--role again for both): DIR/<member>.crt, DIR/<member>.key
                                          (0600) and a copy of ca.crt
        """;

    public static ExitCode Run(TextWriter output, IReadOnlyList<string> words)
    {
        if (words.Count == 0)
        {
            throw CliException.Usage("'certs' needs a command: init or issue");
        }

        var command = words[0];
        var rest = words.Skip(1).ToList();
        var addresses = TakeAll(rest, "ip").Select(ParseAddress).ToList();
        var names = TakeAll(rest, "dns");
        var roles = TakeAll(rest, "role");
        var args = Arguments.Parse($"certs {command}", rest, new HashSet<string>());
        switch (command)
        {
            case "init":
                {
                    var farm = args.Option("farm-name") ?? "farm";
                    var directory = args.Required("out");
                    args.Done();
                    if (addresses.Count > 0 || names.Count > 0 || roles.Count > 0)
                    {
                        throw CliException.Usage("certs init: --ip, --dns and --role belong to 'certs issue'");
                    }

                    var authority = FarmCertificateAuthority.CreateAuthority(farm, DateTimeOffset.UtcNow);
                    Directory.CreateDirectory(directory);
                    WriteNew(Path.Combine(directory, CaKeyFile), authority.Key, secret: true);
                    WriteNew(Path.Combine(directory, CaCertificateFile), authority.Certificate, secret: false);
                    output.WriteLine($"farm CA written: {Path.Combine(directory, CaCertificateFile)} (keep {CaKeyFile} off the members)");
                    return ExitCode.Ok;
                }

            case "issue":
                {
                    var member = args.NextRequired("the member's name");
                    var caDirectory = args.Required("ca-dir");
                    var directory = args.Required("out");
                    args.Done();
                    if (member.IndexOfAny(['/', '\\', ',', '=', '+']) >= 0 || member.StartsWith('.'))
                    {
                        throw CliException.Usage($"certs issue: '{member}' is not a member name (letters, digits, '-', '.')");
                    }

                    if (roles.Count == 0)
                    {
                        throw CliException.Usage("certs issue: --role lighthouse|socks is required: the role the member may join with (--role again for both)");
                    }

                    if (roles.FirstOrDefault(r => !CertificateRoles.Known.Contains(r)) is { } unknown)
                    {
                        throw CliException.Usage($"certs issue: '{unknown}' is not a role (lighthouse, socks)");
                    }

                    var authority = ReadAuthority(caDirectory);
                    var issued = FarmCertificateAuthority.Issue(authority, member, roles.Distinct().ToList(), addresses, names, DateTimeOffset.UtcNow);
                    Directory.CreateDirectory(directory);
                    WriteNew(Path.Combine(directory, member + ".key"), issued.Key, secret: true);
                    WriteNew(Path.Combine(directory, member + ".crt"), issued.Certificate, secret: false);
                    var caCopy = Path.Combine(directory, CaCertificateFile);
                    if (!File.Exists(caCopy))
                    {
                        File.WriteAllText(caCopy, authority.Certificate);
                    }

                    output.WriteLine($"certificate for {member} written: {Path.Combine(directory, member + ".crt")}");
                    return ExitCode.Ok;
                }

            default:
                throw CliException.Usage($"unknown certs command '{command}' (init, issue)");
        }
    }

    private static PemPair ReadAuthority(string directory)
    {
        try
        {
            var pair = new PemPair(File.ReadAllText(Path.Combine(directory, CaCertificateFile)), File.ReadAllText(Path.Combine(directory, CaKeyFile)));
            using var check = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pair.Certificate, pair.Key);
            return pair;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new CliException(ExitCode.Failed, $"certs issue: cannot use the CA in {directory} ({CaCertificateFile} and {CaKeyFile}): {e.Message}");
        }
    }

    private static void WriteNew(string path, string text, bool secret)
    {
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (secret && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
            writer.Write(text);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new CliException(ExitCode.Failed, $"{path} exists: remove it first (certificates are never overwritten)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCode.Failed, $"cannot write {path}: {e.Message}");
        }
    }

    private static List<string> TakeAll(List<string> words, string name)
    {
        var values = new List<string>();
        for (var i = 0; i < words.Count;)
        {
            if (words[i] == $"--{name}")
            {
                if (i + 1 >= words.Count)
                {
                    throw CliException.Usage($"certs: --{name} needs a value");
                }

                values.Add(words[i + 1]);
                words.RemoveRange(i, 2);
            }
            else
            {
                i++;
            }
        }

        return values;
    }

    private static IPAddress ParseAddress(string text) =>
        IPAddress.TryParse(text, out var address)
            ? address
            : throw CliException.Usage($"certs issue: '{text}' is not an IP address");
}
