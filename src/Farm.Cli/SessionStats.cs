using System.Text.Json;
using Farm.Shared.Records;

namespace Farm.Cli;

/// <summary>
/// Summarises session-record JSON lines, read as the node's own <see cref="SessionRecord"/>, over a time
/// window. Lines that are not records (diagnostics mixed into a log) are counted and skipped.
/// </summary>
public sealed class SessionStats(DateTimeOffset? since, DateTimeOffset? until, int top)
{
    private readonly Dictionary<string, StatsCount> _outcomes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StatsCount> _clients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StatsCount> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StatsCount> _destinations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StatsCount> _denials = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StatsCount> _nodes = new(StringComparer.Ordinal);
    private DateTimeOffset? _first;
    private DateTimeOffset? _last;
    private int _records;
    private int _sessions;
    private int _refusedClients;
    private int _denied;
    private int _skipped;
    private long _bytesUp;
    private long _bytesDown;

    public async Task AddAsync(TextReader reader, CancellationToken cancel)
    {
        while (await reader.ReadLineAsync(cancel).ConfigureAwait(false) is { } line)
        {
            Add(line);
        }
    }

    public void Add(string line)
    {
        if (!line.StartsWith('{'))
        {
            _skipped += line.Length > 0 ? 1 : 0;
            return;
        }

        try
        {
            Add(JsonSerializer.Deserialize(line, SessionRecordJsonContext.Default.SessionRecord)!);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            _skipped++;
        }
    }

    public StatsReport Report() => new(
        _first,
        _last,
        _records,
        _sessions,
        _refusedClients,
        _denied,
        _skipped,
        _bytesUp,
        _bytesDown,
        Top(_outcomes, int.MaxValue),
        Top(_clients, top),
        Top(_users, top),
        Top(_destinations, top),
        Top(_denials, int.MaxValue),
        Top(_nodes, int.MaxValue));

    private void Add(SessionRecord record)
    {
        var time = record.Time;
        if (time < since || time >= until)
        {
            return;
        }

        var (up, down) = (record.BytesUp, record.BytesDown);
        _records++;
        _first = _first is null || time < _first ? time : _first;
        _last = _last is null || time > _last ? time : _last;
        _bytesUp += up;
        _bytesDown += down;
        Count(_outcomes, record.Outcome, up, down);
        Count(_clients, HostOf(record.Client), up, down);
        Count(_nodes, record.Node, up, down);
        var refusedClient = record.Kind == "client";
        if (refusedClient)
        {
            _refusedClients++;
        }
        else
        {
            _sessions++;
            Count(_users, record.User ?? "(no user)", up, down);
            if (record.Destination is { } destination)
            {
                Count(_destinations, destination, up, down);
            }
        }

        if (refusedClient || record.Decision == "block")
        {
            _denied++;
            Count(_denials, record.Rule ?? (refusedClient ? record.Outcome : "default"), up, down);
        }
    }

    /// <summary>Clients are counted per address: each connection has its own source port.</summary>
    private static string HostOf(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && endpoint.IndexOf(':') == colon ? endpoint[..colon]
            : endpoint.StartsWith('[') && endpoint.IndexOf(']') is var close and > 0 ? endpoint[1..close]
            : endpoint;
    }

    private static void Count(Dictionary<string, StatsCount> counts, string key, long up, long down) =>
        counts[key] = counts.TryGetValue(key, out var c) ? c with { Count = c.Count + 1, BytesUp = c.BytesUp + up, BytesDown = c.BytesDown + down } : new StatsCount(key, 1, up, down);

    private static List<StatsCount> Top(Dictionary<string, StatsCount> counts, int limit) =>
        [.. counts.Values.OrderByDescending(c => c.Count).ThenByDescending(c => c.BytesUp + c.BytesDown).ThenBy(c => c.Key, StringComparer.Ordinal).Take(limit)];
}
