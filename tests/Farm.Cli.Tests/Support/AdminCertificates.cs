using System.Diagnostics;

namespace Farm.Cli.Tests.Support;

/// <summary>
/// A CA and a member certificate for 127.0.0.1 made by the real openssl, as an operator would make
/// them, plus an unrelated CA; the directory is removed on dispose.
/// </summary>
public sealed class AdminCertificates : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("farm-cli-certs-");

    private AdminCertificates()
    {
    }

    public string Ca => File("ca.pem");

    public string OtherCa => File("other-ca.pem");

    public string Certificate => File("member.pem");

    public string Key => File("member.key");

    public static async Task<AdminCertificates> CreateAsync()
    {
        var certificates = new AdminCertificates();
        try
        {
            await certificates.MakeCaAsync("ca");
            await certificates.MakeCaAsync("other-ca");
            await System.IO.File.WriteAllTextAsync(certificates.File("member.ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
            await OpenSslAsync(certificates._directory, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "member.key", "-out", "member.csr", "-subj", "/CN=farm-member");
            await OpenSslAsync(certificates._directory, "x509", "-req", "-in", "member.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "member.pem", "-days", "2", "-extfile", "member.ext");
            return certificates;
        }
        catch
        {
            certificates.Dispose();
            throw;
        }
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private string File(string name) => Path.Combine(_directory.FullName, name);

    private Task MakeCaAsync(string name) =>
        OpenSslAsync(_directory, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", $"{name}.key", "-out", $"{name}.pem", "-days", "2", "-subj", $"/CN=farm test {name}",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");

    private static async Task OpenSslAsync(DirectoryInfo directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl")
        {
            WorkingDirectory = directory.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = StartedProcesses.Start(start);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(deadline.Token);
            await stdout;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"openssl {string.Join(' ', arguments)}: {await stderr}");
            }
        }
        finally
        {
            await StartedProcesses.StopAsync(process);
        }
    }
}
