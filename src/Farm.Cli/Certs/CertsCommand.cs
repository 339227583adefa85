using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using Farm.Cli.CommandLine;
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

    public static Command Command(Invocation run)
    {
        var output = run.Out;
        var initOut = new Option<string>("--out") { Description = "the directory for ca.crt and ca.key (0600)", Required = true, HelpName = "DIR" };
        var farmName = new Option<string>("--farm-name") { Description = "the farm's name in the CA's subject", DefaultValueFactory = _ => "farm" };
        var init = new Command("init", "make the farm's CA: DIR/ca.crt, DIR/ca.key (0600)") { initOut, farmName };
        init.SetAction(parse => (int)Init(output, parse.GetValue(initOut)!, parse.GetValue(farmName)!));

        var member = new Argument<string>("member") { Description = "the member's name (letters, digits, '-', '.')" };
        var role = new Option<string[]>("--role") { Description = "the role the member may join with (again for both; required); operator: a person's certificate for signing policy writes", HelpName = "lighthouse|socks|operator" };
        role.CompletionSources.Add([.. CertificateRoles.Known]);
        var caDir = new Option<string>("--ca-dir") { Description = "the directory 'certs init' wrote", Required = true, HelpName = "DIR" };
        var issueOut = new Option<string>("--out") { Description = "the directory for <member>.crt, <member>.key (0600) and a copy of ca.crt", Required = true, HelpName = "DIR" };
        var ip = new Option<IPAddress[]>("--ip")
        {
            Description = "an address the certificate names (again for more)",
            HelpName = "a.b.c.d",
            CustomParser = result =>
            {
                var addresses = new List<IPAddress>();
                foreach (var token in result.Tokens)
                {
                    if (IPAddress.TryParse(token.Value, out var address))
                    {
                        addresses.Add(address);
                    }
                    else
                    {
                        result.AddError($"certs issue: '{token.Value}' is not an IP address");
                    }
                }

                return [.. addresses];
            },
        };
        var dns = new Option<string[]>("--dns") { Description = "a DNS name the certificate names (again for more)", HelpName = "name" };
        var issue = new Command("issue", "a member certificate signed by the CA for the role(s) given") { member, role, caDir, issueOut, ip, dns };
        issue.SetAction(parse => (int)Issue(
            output,
            parse.GetValue(member)!,
            parse.GetValue(role) ?? [],
            parse.GetValue(caDir)!,
            parse.GetValue(issueOut)!,
            parse.GetValue(ip) ?? [],
            parse.GetValue(dns) ?? []));
        return new Command("certs", "the farm's CA and member certificates for mutual TLS (no member needed)") { init, issue };
    }

    private static ExitCode Init(TextWriter output, string directory, string farm)
    {
        var authority = FarmCertificateAuthority.CreateAuthority(farm, DateTimeOffset.UtcNow);
        Directory.CreateDirectory(directory);
        WriteNew(Path.Combine(directory, CaKeyFile), authority.Key, secret: true);
        WriteNew(Path.Combine(directory, CaCertificateFile), authority.Certificate, secret: false);
        output.WriteLine($"farm CA written: {Path.Combine(directory, CaCertificateFile)} (keep {CaKeyFile} off the members)");
        return ExitCode.Ok;
    }

    private static ExitCode Issue(TextWriter output, string member, IReadOnlyList<string> roles, string caDirectory, string directory, IReadOnlyList<IPAddress> addresses, IReadOnlyList<string> names)
    {
        if (member.IndexOfAny(['/', '\\', ',', '=', '+']) >= 0 || member.StartsWith('.'))
        {
            throw CliException.Usage($"certs issue: '{member}' is not a member name (letters, digits, '-', '.')");
        }

        if (roles.Count == 0)
        {
            throw CliException.Usage("certs issue: --role lighthouse|socks|operator is required: the role the member may join with (--role again for both), or operator for a person who signs policy writes");
        }

        if (roles.FirstOrDefault(r => !CertificateRoles.Known.Contains(r)) is { } unknown)
        {
            throw CliException.Usage($"certs issue: '{unknown}' is not a role (lighthouse, socks, operator)");
        }

        if (roles.Contains(CertificateRoles.Operator) && roles.Any(r => r != CertificateRoles.Operator))
        {
            throw CliException.Usage("certs issue: --role operator is a person's certificate: issue member roles in another certificate");
        }

        var authority = ReadAuthority(caDirectory);
        var issued = FarmCertificateAuthority.Issue(authority, member, roles.Distinct().ToList(), [.. addresses], [.. names], DateTimeOffset.UtcNow);
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
}
