using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Outsider review of issue 16, F1: when the session log failed (out of descriptors while rotating),
/// the host stopped and the node exited with code 0, so systemd's Restart=on-failure left it down.
/// The log now survives a failed rotation and writes on; a node stopped by a failed background
/// service exits non-zero. Real node processes.
/// </summary>
public sealed class SessionLogFailureTests
{
    [Fact]
    public async Task SessionLogThatCannotBeOpened_NodeStopsWithANonZeroExitCodeAndTheReasonInOneLine()
    {
        // The log's directory would be under a regular file: it cannot be created.
        var file = Path.GetTempFileName();
        try
        {
            var (exitCode, diagnostics) = await ExternalNodeProcess.RunUntilExitAsync(
                new Dictionary<string, string> { ["FARM__SESSIONLOG__PATH"] = Path.Combine(file, "logs", "sessions.jsonl") },
                TimeSpan.FromSeconds(90));

            Assert.True(exitCode != 0, $"the node stopped with exit code 0: {diagnostics}");
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(diagnostics, "farm-node: SessionLog failed, the node stopped: .+"), diagnostics[^2500..]);
            Assert.DoesNotContain("Unhandled exception", diagnostics, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task RotationThatCannotMoveTheFile_NodeKeepsServingAndLogging()
    {
        var directory = Directory.CreateTempSubdirectory("farm-log-rotation-").FullName;
        var path = Path.Combine(directory, "sessions.jsonl");
        var policy = Path.Combine(directory, "policy");
        try
        {
            // The rotated name is taken by a directory: every rotation fails to move the log.
            Directory.CreateDirectory(path + ".1");
            await File.WriteAllTextAsync(policy, "client pass from 127.0.0.0/8\n");
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = policy,
                ["FARM__SESSIONLOG__PATH"] = path,
                ["FARM__SESSIONLOG__ROTATEBYTES"] = "1",
                ["FARM__SESSIONLOG__KEEP"] = "1",
            });

            const int Sessions = 4;
            for (var i = 0; i < Sessions; i++)
            {
                using var probe = await SocksProbe.Socks5Async(node.Endpoint, 0x01, "127.0.0.1", 9);
                await WaitForRecordsAsync(path, i + 1);
            }

            Assert.True(node.ExitCode is null, $"the node stopped with exit code {node.ExitCode}");
            Assert.Contains("rotation failed, writing on", node.Diagnostics, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task WaitForRecordsAsync(string path, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var lines = 0;
        while (DateTime.UtcNow < deadline)
        {
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var reader = new StreamReader(stream))
            {
                lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            }

            if (lines >= count)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{lines} session records in the log, {count} expected");
    }
}
