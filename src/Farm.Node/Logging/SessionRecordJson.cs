using System.Text.Json;

namespace Farm.Node.Logging;

/// <summary>The JSON-lines shape of a session record (snake_case, nulls left out), written without reflection.</summary>
public static class SessionRecordJson
{
    public static void Write(Utf8JsonWriter json, SessionRecord record)
    {
        json.WriteStartObject();
        json.WriteString("time", record.Time);
        json.WriteString("kind", record.Kind);
        json.WriteNumber("session", record.Session);
        json.WriteString("node", record.Node);
        json.WriteString("listener", record.Listener);
        json.WriteString("client", record.Client);
        WriteOptional(json, "user", record.User);
        if (record.Version is { } version)
        {
            json.WriteNumber("version", version);
        }

        WriteOptional(json, "command", record.Command);
        WriteOptional(json, "destination", record.Destination);
        WriteOptional(json, "resolved", record.Resolved);
        WriteOptional(json, "rule", record.Rule);
        WriteOptional(json, "route", record.Route);
        WriteOptional(json, "decision", record.Decision);
        WriteOptional(json, "reason", record.Reason);
        WriteOptional(json, "reply", record.Reply);
        json.WriteString("outcome", record.Outcome);
        json.WriteNumber("bytes_up", record.BytesUp);
        json.WriteNumber("bytes_down", record.BytesDown);
        json.WriteNumber("duration_ms", Math.Round(record.DurationMs, 3));
        if (record.Suppressed is { } suppressed)
        {
            json.WriteNumber("suppressed", suppressed);
        }

        if (record.Udp is { } udp)
        {
            json.WriteNumber("datagrams_up", udp.DatagramsUp);
            json.WriteNumber("datagrams_down", udp.DatagramsDown);
            json.WriteNumber("datagrams_dropped", udp.Dropped);
        }

        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
