using System.Text.Json;
using Farm.Shared.Records;

namespace Farm.Shared.Tests.Records;

/// <summary>
/// The session log is a contract with operators' parsers: its field names are pinned here, and farmctl
/// reads back exactly what the node writes.
/// </summary>
public class SessionRecordJsonTests
{
    /// <summary>Every field a record can carry, in the order the node writes them.</summary>
    private static readonly string[] FieldNames =
    [
        "time", "kind", "session", "node", "listener", "client", "user", "version", "command", "destination",
        "resolved", "rule", "route", "decision", "reason", "reply", "outcome", "bytes_up", "bytes_down",
        "duration_ms", "suppressed", "datagrams_up", "datagrams_down", "datagrams_dropped",
    ];

    private static readonly SessionRecord Full = new()
    {
        Time = new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero),
        Kind = "session",
        Session = 42,
        Node = "n1",
        Listener = "127.0.0.1:1080",
        Client = "127.0.0.1:50000",
        User = "alice",
        Version = 5,
        Command = "udp-associate",
        Destination = "example.test:53",
        Resolved = "192.0.2.1",
        Rule = "dns",
        Route = "direct",
        Decision = "pass",
        Reason = "address-decided",
        Reply = "succeeded",
        Outcome = "closed",
        BytesUp = 10,
        BytesDown = 20,
        DurationMs = 1.23456,
        Suppressed = 3,
        DatagramsUp = 4,
        DatagramsDown = 5,
        DatagramsDropped = 6,
    };

    [Fact]
    public void Serialize_EveryFieldSet_WritesExactlyThePinnedNamesInOrder()
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(Full, SessionRecordJsonContext.Default.SessionRecord));

        Assert.Equal(FieldNames, json.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Serialize_RefusedClient_LeavesUnsetFieldsOut()
    {
        var refused = new SessionRecord
        {
            Time = Full.Time,
            Kind = "client",
            Session = 7,
            Node = "n1",
            Listener = "127.0.0.1:1080",
            Client = "127.0.0.9:50000",
            Rule = "default",
            Outcome = "client-refused",
        };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(refused, SessionRecordJsonContext.Default.SessionRecord));

        Assert.Equal(
            ["time", "kind", "session", "node", "listener", "client", "rule", "outcome", "bytes_up", "bytes_down", "duration_ms"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-12-07T03:00:00+00:00", json.RootElement.GetProperty("time").GetString());
    }

    [Fact]
    public void Deserialize_WhatWasWritten_IsTheSameRecord_WithTheDurationToTheMicrosecond()
    {
        var line = JsonSerializer.Serialize(Full, SessionRecordJsonContext.Default.SessionRecord);

        var read = JsonSerializer.Deserialize(line, SessionRecordJsonContext.Default.SessionRecord);

        Assert.Equal(Full, read);
        Assert.Contains("\"duration_ms\":1.235", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_LineWithoutOutcome_IsRefused()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(
            """{"time":"2026-12-07T03:00:00+00:00","kind":"session","session":1,"node":"n1","listener":"l","client":"c"}""",
            SessionRecordJsonContext.Default.SessionRecord));
    }
}
