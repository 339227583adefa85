using System.Text.Json;
using System.Threading.Channels;
using Farm.Node.Options;
using Farm.Shared.Records;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Farm.Node.Logging;

/// <summary>
/// Writes session records as JSON lines to standard output or to a size-rotated file. Sessions
/// only enqueue; one background writer formats and flushes in batches, so a burst of short
/// sessions never waits on the disk. Once started it survives what the disk and the kernel do to it
/// (out of descriptors, a rotation that cannot move a file, a full disk): the records of a batch it
/// cannot write are dropped and said in the diagnostics log, and it tries again with the next batch.
/// Before, such a failure stopped the host (outsider review of issue 16, F1). A log that cannot be
/// opened at start still stops the node, with a non-zero exit code.
/// </summary>
public sealed class SessionLog : BackgroundService
{
    private const UnixFileMode LogFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    private readonly Channel<SessionRecord> _records = Channel.CreateUnbounded<SessionRecord>(
        new UnboundedChannelOptions { SingleReader = true });

    private readonly SessionLogOptions _options;
    private readonly ILogger<SessionLog> _logger;
    private Stream? _stream;
    private long _written;

    public SessionLog(IOptions<SessionLogOptions> options, ILogger<SessionLog>? logger = null)
    {
        _options = options.Value;
        _logger = logger ?? NullLogger<SessionLog>.Instance;
        NodeName = string.IsNullOrWhiteSpace(_options.NodeName) ? Environment.MachineName : _options.NodeName;
    }

    public string NodeName { get; }

    public void Write(SessionRecord record) => _records.Writer.TryWrite(record);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _records.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stream = Open();
        var buffer = new MemoryStream();
        await using var json = new Utf8JsonWriter(buffer);
        try
        {
            // Drains what is queued even after stop is requested, so the last sessions are not lost.
            while (await _records.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (_records.Reader.TryRead(out var record))
                {
                    JsonSerializer.Serialize(json, record, SessionRecordJsonContext.Default.SessionRecord);
                    json.Flush();
                    json.Reset();
                    buffer.WriteByte((byte)'\n');
                }

                await WriteBatchAsync(buffer).ConfigureAwait(false);
                buffer.SetLength(0);
            }
        }
        finally
        {
            if (_options.Path is not null && _stream is not null)
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task WriteBatchAsync(MemoryStream buffer)
    {
        try
        {
            _stream ??= Open();
            await _stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), CancellationToken.None).ConfigureAwait(false);
            await _stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            _written += buffer.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("session log {Path}: {Bytes} bytes of records dropped: {Error}", _options.Path ?? "stdout", buffer.Length, e.Message);
            return;
        }

        try
        {
            RotateIfDue();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("session log {Path}: rotation failed, writing on: {Error}", _options.Path, e.Message);
        }
    }

    private Stream Open()
    {
        if (_options.Path is null)
        {
            return Console.OpenStandardOutput();
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(_options.Path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            // Records name clients, users and destinations: the node's group (log shippers) may read them, others not.
            options.UnixCreateMode = LogFileMode;
        }

        var created = !Path.Exists(_options.Path);
        var file = new FileStream(_options.Path, options);
        if (created && !OperatingSystem.IsWindows())
        {
            // Set again on the new file itself (the umask narrows the create mode). A path that existed keeps its
            // mode: it may be a device such as /dev/null or a link, whose target is not the node's to change.
            File.SetUnixFileMode(file.SafeFileHandle, LogFileMode);
        }

        _written = file.Length;
        return file;
    }

    private void RotateIfDue()
    {
        if (_options.Path is null || _written < _options.RotateBytes)
        {
            return;
        }

        _stream?.Dispose();
        _stream = null;
        try
        {
            Shift();
        }
        finally
        {
            // Reopened whether or not the files moved; if even that fails, the next batch tries again.
            _stream = Open();
        }
    }

    private void Shift()
    {
        for (var i = _options.Keep - 1; i >= 1; i--)
        {
            var older = $"{_options.Path}.{i}";
            if (File.Exists(older))
            {
                File.Move(older, $"{_options.Path}.{i + 1}", overwrite: true);
            }
        }

        if (_options.Keep > 0)
        {
            File.Move(_options.Path!, $"{_options.Path}.1", overwrite: true);
        }
        else
        {
            File.Delete(_options.Path!);
        }
    }
}
