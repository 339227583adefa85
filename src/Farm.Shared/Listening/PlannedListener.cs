using System.Net;

namespace Farm.Shared.Listening;

/// <summary>A port a member will listen on once it starts, named by the service that owns it.</summary>
public sealed record PlannedListener(string Service, IPEndPoint Endpoint, ListenProtocol Protocol = ListenProtocol.Tcp)
{
    /// <summary>The listener for a configured <c>address:port</c>, or none when the text does not parse (the service refuses it itself).</summary>
    public static IEnumerable<PlannedListener> From(string service, string? text, ListenProtocol protocol = ListenProtocol.Tcp) =>
        text is not null && text.Contains(':', StringComparison.Ordinal) && IPEndPoint.TryParse(text, out var endpoint)
            ? [new PlannedListener(service, endpoint, protocol)]
            : [];
}
