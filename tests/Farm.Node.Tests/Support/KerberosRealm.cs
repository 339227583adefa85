using System.Diagnostics;
using System.Net.Sockets;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Support;

/// <summary>
/// A real MIT Kerberos KDC (Debian's krb5-kdc) for realm FARM.TEST in a temp directory: its own database,
/// krb5.conf and kdc.conf, listening on a loopback TestPorts port over TCP. Principals get random keys
/// exported to keytabs, so tickets come from <c>kinit -k</c> without passwords on a terminal.
/// </summary>
public sealed class KerberosRealm : IAsyncDisposable
{
    public const string Realm = "FARM.TEST";

    private readonly DirectoryInfo _directory;
    private readonly Process _kdc;

    private KerberosRealm(DirectoryInfo directory, Process kdc)
    {
        _directory = directory;
        _kdc = kdc;
    }

    public string ConfigPath => Path.Combine(_directory.FullName, "krb5.conf");

    private string KdcProfilePath => Path.Combine(_directory.FullName, "kdc.conf");

    public static async Task<KerberosRealm> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("farm-kdc-");
        var port = TestPorts.Next();
        var d = directory.FullName;
        await File.WriteAllTextAsync(Path.Combine(d, "krb5.conf"), $$"""
            [libdefaults]
              default_realm = {{Realm}}
              dns_lookup_kdc = false
              dns_lookup_realm = false
              dns_canonicalize_hostname = false
              rdns = false
              udp_preference_limit = 1
            [realms]
              {{Realm}} = {
                kdc = 127.0.0.1:{{port}}
              }
            [domain_realm]
              localhost = {{Realm}}
            """);
        await File.WriteAllTextAsync(Path.Combine(d, "kdc.conf"), $$"""
            [kdcdefaults]
              kdc_ports = {{port}}
              kdc_tcp_ports = {{port}}
            [realms]
              {{Realm}} = {
                database_name = {{d}}/principal
                key_stash_file = {{d}}/stash
                acl_file = {{d}}/kadm5.acl
                max_life = 1h
                supported_enctypes = aes256-cts-hmac-sha1-96:normal
              }
            [logging]
              kdc = FILE:{{d}}/kdc.log
            """);
        var environment = KdcEnvironment(d);
        Process? kdc = null;
        try
        {
            await RunAsync("kdb5_util", ["create", "-s", "-r", Realm, "-P", "farm-test-master"], environment);
            var start = new ProcessStartInfo("krb5kdc") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-n");
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            kdc = Process.Start(start) ?? throw new InvalidOperationException("cannot start krb5kdc");
            await WaitForPortAsync(port, kdc);
            return new KerberosRealm(directory, kdc);
        }
        catch
        {
            Stop(kdc);
            directory.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>Adds the principal with a random key and exports it to a keytab of its own; returns the keytab's path.</summary>
    public async Task<string> AddPrincipalAsync(string name)
    {
        var keytab = Path.Combine(_directory.FullName, name.Replace('/', '_') + ".keytab");
        var environment = KdcEnvironment(_directory.FullName);
        await RunAsync("kadmin.local", ["-q", $"addprinc -randkey {name}"], environment);
        await RunAsync("kadmin.local", ["-q", $"ktadd -k {keytab} {name}"], environment);
        return keytab;
    }

    /// <summary>A ticket cache holding a TGT for the principal; returns the environment a client needs to use it.</summary>
    public async Task<IDictionary<string, string>> LoginAsync(string name, string keytab)
    {
        var cache = Path.Combine(_directory.FullName, $"cc-{name.Replace('/', '_')}");
        var environment = new Dictionary<string, string> { ["KRB5_CONFIG"] = ConfigPath, ["KRB5CCNAME"] = $"FILE:{cache}" };
        await RunAsync("kinit", ["-k", "-t", keytab, name], environment);
        return environment;
    }

    public ValueTask DisposeAsync()
    {
        Stop(_kdc);
        _directory.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }

    private static Dictionary<string, string> KdcEnvironment(string directory) => new()
    {
        ["KRB5_CONFIG"] = Path.Combine(directory, "krb5.conf"),
        ["KRB5_KDC_PROFILE"] = Path.Combine(directory, "kdc.conf"),
    };

    private static async Task RunAsync(string program, string[] arguments, IDictionary<string, string> environment)
    {
        var result = await ProcessRunner.RunAsync(program, arguments, TimeSpan.FromSeconds(30), environment);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError}{result.StandardOutput}");
        }
    }

    private static async Task WaitForPortAsync(int port, Process kdc)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (kdc.HasExited)
            {
                throw new InvalidOperationException($"krb5kdc exited {kdc.ExitCode}: {await kdc.StandardError.ReadToEndAsync()}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"krb5kdc did not listen on {port}");
    }

    private static void Stop(Process? kdc)
    {
        if (kdc is null)
        {
            return;
        }

        if (!kdc.HasExited)
        {
            kdc.Kill();
            kdc.WaitForExit(10_000);
        }

        kdc.Dispose();
    }
}
