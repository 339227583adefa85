using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using Farm.Node.Options;
using Farm.Node.Telemetry;
using Farm.Shared.Records;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;

namespace Farm.Node.Logging;

/// <summary>
/// Writes session records as JSON lines to standard output or to a size-rotated file. Sessions
/// only enqueue; one background writer formats and flushes in batches, so a burst of short
/// sessions never waits on the disk. Once started it survives what the disk and the kernel do to it
/// (out of descriptors, a rotation that cannot move a file, a full disk): the records of a batch it
/// cannot write are dropped and said in the diagnostics log, and it tries again with the next batch.
/// Before, such a failure stopped the host (outsider review of issue 16, F1). A log that cannot be
/// opened at start still stops the node, with a non-zero exit code.
/// The queue is bounded (<c>Farm:SessionLog:QueueLimit</c>): while the writer cannot keep up, or is stuck
/// on a standard output nobody reads, the newest records are dropped (the queued ones keep their order),
/// counted in <c>farm_session_records_dropped_total</c> and told in one record once a write succeeds
/// again. Stopping waits for the queue to drain only as long as the host's shutdown timeout allows, so
/// SIGTERM ends a node whose log is stuck (outsider review of issue 16, att16b: the queue grew without
/// bound and the writer held shutdown). The last quarter of the queue is kept for the records of sessions that
/// moved bytes: a flood of refusal and summary records cannot push a served client's record out (att16c).
/// </summary>
public sealed class SessionLog : BackgroundService
{
    private const UnixFileMode LogFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    /// <summary>The outcome of the record that tells how many records were dropped.</summary>
    public const string DroppedOutcome = "records-dropped";

    private const nint StandardOutput = 1;

    private readonly Channel<SessionRecord> _records;
    private readonly SessionLogOptions _options;

    /// <summary>The records any record may fill the queue up to; past it only records of sessions that moved bytes.</summary>
    private readonly int _unreserved;
    private int _queued;
    private readonly ILogger<SessionLog> _logger;
    private Stream? _stream;
    private long _written;
    private long _dropped;
    private long _droppedTold;
    private DateTimeOffset? _firstUntold;

    public SessionLog(IOptions<SessionLogOptions> options, ILogger<SessionLog>? logger = null, IMeterFactory? meters = null)
    {
        _options = options.Value;
        if (_options.QueueLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"{SessionLogOptions.Section}:QueueLimit is {_options.QueueLimit}; it must be at least 1");
        }

        _logger = logger ?? NullLogger<SessionLog>.Instance;
        NodeName = string.IsNullOrWhiteSpace(_options.NodeName) ? Environment.MachineName : _options.NodeName;
        _unreserved = _options.QueueLimit - (_options.QueueLimit / 4);

        // Unbounded, with the bound kept by _queued: a bounded channel drops whatever comes last, a served client's record too.
        _records = Channel.CreateUnbounded<SessionRecord>(new UnboundedChannelOptions { SingleReader = true });
        meters?.Create(NodeMetrics.MeterName).CreateObservableCounter(
            "farm.session_records.dropped",
            () => Interlocked.Read(ref _dropped),
            "{record}",
            "Session records dropped because the log's queue was full (a log that cannot keep up or a standard output nobody reads); told in one record once the log writes again.");
    }

    public string NodeName { get; }

    /// <summary>Records dropped so far because the queue was full.</summary>
    public long DroppedRecords => Interlocked.Read(ref _dropped);

    public void Write(SessionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var limit = Relayed(record) ? _options.QueueLimit : _unreserved;
        if (Interlocked.Increment(ref _queued) > limit || !_records.Writer.TryWrite(record))
        {
            Interlocked.Decrement(ref _queued);
            Dropped(record);
        }
    }

    /// <summary>A record of a session that moved bytes (a relay, a UDP association): the ones the queue keeps room for.</summary>
    public static bool Relayed(SessionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Kind == "session" && (record.BytesUp > 0 || record.BytesDown > 0 || record.DatagramsUp > 0 || record.DatagramsDown > 0);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _records.Writer.TryComplete();
        // The base waits for the writer as long as the host's shutdown timeout allows (its token), no longer.
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
                // A batch is at most a queue's worth, so a writer that falls behind holds no more than that twice.
                for (var taken = 0; taken < _options.QueueLimit && _records.Reader.TryRead(out var record); taken++)
                {
                    Interlocked.Decrement(ref _queued);
                    Append(json, buffer, record);
                }

                if (await WriteBatchAsync(buffer).ConfigureAwait(false) && DroppedSummary() is { } summary)
                {
                    buffer.SetLength(0);
                    Append(json, buffer, summary);
                    await WriteBatchAsync(buffer).ConfigureAwait(false);
                }

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

    private static void Append(Utf8JsonWriter json, MemoryStream buffer, SessionRecord record)
    {
        JsonSerializer.Serialize(json, record, SessionRecordJsonContext.Default.SessionRecord);
        json.Flush();
        json.Reset();
        buffer.WriteByte((byte)'\n');
    }

    private void Dropped(SessionRecord record)
    {
        if (Interlocked.Increment(ref _dropped) == Interlocked.Read(ref _droppedTold) + 1)
        {
            _firstUntold = record.Time;
        }
    }

    /// <summary>The record that tells the drops not told yet, or null when there are none.</summary>
    private SessionRecord? DroppedSummary()
    {
        var dropped = Interlocked.Read(ref _dropped);
        var untold = dropped - _droppedTold;
        if (untold == 0)
        {
            return null;
        }

        _droppedTold = dropped;
        var now = DateTimeOffset.UtcNow;
        var since = _firstUntold ?? now;
        return new SessionRecord
        {
            Time = since,
            Kind = "log",
            Session = 0,
            Node = NodeName,
            Listener = string.Empty,
            Client = string.Empty,
            Outcome = DroppedOutcome,
            Reason = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{untold} session records dropped: the log could not keep up ({SessionLogOptions.Section}:QueueLimit {_options.QueueLimit})"),
            Suppressed = (int)Math.Min(untold, int.MaxValue),
            DurationMs = (now - since).TotalMilliseconds,
        };
    }

    /// <summary>True when the batch was written; false when its records were dropped.</summary>
    private async Task<bool> WriteBatchAsync(MemoryStream buffer)
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
            return false;
        }

        try
        {
            RotateIfDue();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("session log {Path}: rotation failed, writing on: {Error}", _options.Path, e.Message);
        }

        return true;
    }

    private Stream Open()
    {
        if (_options.Path is null)
        {
            // Descriptor 1 as a plain file, not the console stream: on Unix every console write takes the lock of
            // Console.Out, stderr's too, so a write stuck on a pipe nobody reads held the diagnostics log, the
            // logger's full queue every thread that logs, and shutdown with them (outsider review of issue 16, att16b).
            return OperatingSystem.IsWindows()
                ? Console.OpenStandardOutput()
                : new FileStream(new SafeFileHandle(StandardOutput, ownsHandle: false), FileAccess.Write, bufferSize: 0);
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
