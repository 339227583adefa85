using System.Runtime.Versioning;
using Farm.Node.Logging;
using Farm.Node.Options;
using Farm.Shared.Records;

namespace Farm.Node.Tests.Logging;

/// <summary>Session records name clients and destinations: the files are not for every local user (issue 16 item 11).</summary>
public sealed class SessionLogTests
{
    private const UnixFileMode Mode0640 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task FileAndRotatedFile_AreCreated0640()
    {
        var directory = Directory.CreateTempSubdirectory("farm-session-log-");
        try
        {
            var path = Path.Combine(directory.FullName, "sessions.jsonl");
            var log = new SessionLog(Microsoft.Extensions.Options.Options.Create(new SessionLogOptions { Path = path, RotateBytes = 1, Keep = 2, NodeName = "test" }));
            await log.StartAsync(CancellationToken.None);
            log.Write(Record(1));
            for (var i = 0; i < 100 && !File.Exists(path + ".1"); i++)
            {
                await Task.Delay(50);
            }

            log.Write(Record(2));
            await log.StopAsync(CancellationToken.None);

            Assert.True(File.Exists(path + ".1"), "the log did not rotate");
            Assert.Equal(Mode0640, File.GetUnixFileMode(path + ".1"));
            Assert.Equal(Mode0640, File.GetUnixFileMode(path));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Outsider review of issue 16: the log set 0640 on whatever its path reached, a link's target or a device such as /dev/null.</summary>
    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task PathThatIsALink_ItsTargetKeepsItsMode()
    {
        var directory = Directory.CreateTempSubdirectory("farm-session-log-");
        try
        {
            var target = Path.Combine(directory.FullName, "shared.log");
            await File.WriteAllTextAsync(target, string.Empty);
            const UnixFileMode Mode0644 = Mode0640 | UnixFileMode.OtherRead;
            File.SetUnixFileMode(target, Mode0644);
            var path = Path.Combine(directory.FullName, "sessions.jsonl");
            File.CreateSymbolicLink(path, target);
            var log = new SessionLog(Microsoft.Extensions.Options.Options.Create(new SessionLogOptions { Path = path, NodeName = "test" }));
            await log.StartAsync(CancellationToken.None);
            log.Write(Record(1));
            for (var i = 0; i < 100 && new FileInfo(target).Length == 0; i++)
            {
                await Task.Delay(50);
            }

            await log.StopAsync(CancellationToken.None);

            Assert.True(new FileInfo(target).Length > 0, "nothing was written through the link");
            Assert.Equal(Mode0644, File.GetUnixFileMode(target));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Outsider review of issue 16 (att16c): with the queue full of refusal records (a flood while the writer is
    /// behind), the record of a session that moved bytes was dropped as the newest. A quarter of the queue is kept for such records.
    /// </summary>
    [Fact]
    public async Task QueueFullOfRefusalRecords_ARelayedSessionsRecordIsStillWritten()
    {
        var directory = Directory.CreateTempSubdirectory("farm-session-log-");
        try
        {
            var path = Path.Combine(directory.FullName, "sessions.jsonl");
            var log = new SessionLog(Microsoft.Extensions.Options.Options.Create(new SessionLogOptions { Path = path, NodeName = "test", QueueLimit = 8 }));

            // The writer has not started: the queue fills and nothing drains it.
            for (var i = 0; i < 100; i++)
            {
                log.Write(Record(i) with { Kind = "client", Outcome = "source-cap" });
            }

            log.Write(Record(1000) with { Outcome = "completed", Reply = "succeeded", BytesUp = 10, BytesDown = 20 });
            await log.StartAsync(CancellationToken.None);
            for (var i = 0; i < 300 && !(File.Exists(path) && (await ReadSharedAsync(path)).Length >= 7); i++)
            {
                await Task.Delay(50);
            }

            await log.StopAsync(CancellationToken.None);

            var lines = await ReadSharedAsync(path);
            Assert.Contains(lines, line => line.Contains("\"session\":1000", StringComparison.Ordinal));
            Assert.Equal(6, lines.Count(line => line.Contains("\"source-cap\"", StringComparison.Ordinal)));
            Assert.Equal(94, log.DroppedRecords);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<string[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static SessionRecord Record(long session) => new()
    {
        Time = DateTimeOffset.UnixEpoch,
        Kind = "session",
        Session = session,
        Node = "test",
        Listener = "127.0.0.1:1080",
        Client = "127.0.0.1:50000",
        Outcome = "closed",
    };
}
