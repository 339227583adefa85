using System.Globalization;
using System.Text.RegularExpressions;
using Farm.Cli.Tests.Support;

namespace Farm.Cli.Tests.Ops;

/// <summary>
/// The systemd units in ops/systemd, checked by systemd itself: <c>systemd-analyze verify</c> (with the
/// built executables standing in for the published /opt/farm layout) and an exposure score of 2.0 or
/// lower from <c>systemd-analyze security</c>.
/// </summary>
public sealed partial class SystemdUnitTests : IDisposable
{
    private const double MaxExposure = 2.0;
    private readonly string _directory = Directory.CreateTempSubdirectory("farm-systemd-").FullName;

    public static TheoryData<string> Units => ["farm-node.service", "farm-lighthouse.service"];

    private static string Repository => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Built.Farmctl)!, "..", "..", "..", "..", ".."));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [MemberData(nameof(Units))]
    public async Task Unit_PassesSystemdAnalyzeVerify(string unit)
    {
        var copy = await WithBuiltExecutablesAsync(unit);

        var verify = await RunAsync("systemd-analyze", "verify", copy);

        Assert.True(verify.ExitCode == 0 && verify.Error.Trim().Length == 0, $"exit {verify.ExitCode}: {verify.Error}{verify.Output}");
    }

    [Theory]
    [MemberData(nameof(Units))]
    public async Task Unit_ExposureScore_AtMostTwo(string unit)
    {
        var security = await RunAsync("systemd-analyze", "security", "--offline=yes", Path.Combine(Repository, "ops", "systemd", unit));

        var score = ExposureLine().Match(security.Output + security.Error);
        Assert.True(score.Success, security.Output + security.Error);
        Assert.InRange(double.Parse(score.Groups[1].Value, CultureInfo.InvariantCulture), 0, MaxExposure);
    }

    [Theory]
    [MemberData(nameof(Units))]
    public async Task Unit_RunsUnprivileged_WithStateUnderStateDirectory(string unit)
    {
        var lines = (await File.ReadAllLinesAsync(Path.Combine(Repository, "ops", "systemd", unit))).Select(l => l.Trim()).ToHashSet();

        Assert.Contains("DynamicUser=yes", lines);
        Assert.Contains("NoNewPrivileges=yes", lines);
        Assert.Contains("ProtectSystem=strict", lines);
        Assert.Contains("PrivateTmp=yes", lines);
        Assert.Contains("AmbientCapabilities=CAP_NET_BIND_SERVICE", lines);
        Assert.Contains("CapabilityBoundingSet=CAP_NET_BIND_SERVICE", lines);
        Assert.Contains(lines, l => l.StartsWith("RestrictAddressFamilies=", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("SystemCallFilter=", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("StateDirectory=farm-", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Environment=FARM__CLUSTER__DATADIRECTORY=%S/farm-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NodeUnit_StopIsADrain_WithinTheStopTimeout()
    {
        var lines = await File.ReadAllLinesAsync(Path.Combine(Repository, "ops", "systemd", "farm-node.service"));

        var stop = Assert.Single(lines, l => l.StartsWith("ExecStop=", StringComparison.Ordinal));
        var drain = DrainDeadline().Match(stop);
        Assert.True(drain.Success, stop);
        var timeout = int.Parse(Assert.Single(lines, l => l.StartsWith("TimeoutStopSec=", StringComparison.Ordinal))["TimeoutStopSec=".Length..], CultureInfo.InvariantCulture);
        Assert.True(timeout > int.Parse(drain.Groups[1].Value, CultureInfo.InvariantCulture), $"TimeoutStopSec={timeout} leaves no time after the drain deadline");
        Assert.Contains("Environment=FARM__ADMIN__LISTEN=127.0.0.1:9110", lines);
        Assert.Contains("127.0.0.1:9110 node drain", stop, StringComparison.Ordinal);

        // SIGTERM alone (systemd's kill after a failed ExecStop) drains to the same deadline.
        Assert.Contains($"Environment=FARM__DRAIN__DEADLINE=00:00:{int.Parse(drain.Groups[1].Value, CultureInfo.InvariantCulture):D2}", lines);
    }

    /// <summary>The unit with /opt/farm's executables replaced by the ones this build made (verify needs them to exist).</summary>
    private async Task<string> WithBuiltExecutablesAsync(string unit)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Repository, "ops", "systemd", unit));
        text = text
            .Replace("/opt/farm/node/Farm.Node", Apphost(Built.Node), StringComparison.Ordinal)
            .Replace("/opt/farm/lighthouse/Farm.Lighthouse", Apphost(Built.Lighthouse), StringComparison.Ordinal)
            .Replace("/opt/farm/farmctl/farmctl", Apphost(Built.Farmctl), StringComparison.Ordinal);
        Assert.DoesNotContain("/opt/farm/", text.Replace("Documentation=file:/opt/farm/", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var copy = Path.Combine(_directory, unit);
        await File.WriteAllTextAsync(copy, text);
        return copy;
    }

    private static string Apphost(string dll) => Path.ChangeExtension(dll, null);

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+\.\d+)")]
    private static partial Regex ExposureLine();

    [GeneratedRegex(@"--deadline (\d+)s")]
    private static partial Regex DrainDeadline();
}
