using System.Net;
using Microsoft.Extensions.Logging;

namespace Farm.Lighthouse.Dns;

internal static partial class DnsLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "DNS for {Domain} listening on {Endpoint} (UDP and TCP)")]
    public static partial void Listening(ILogger logger, string domain, IPEndPoint endpoint);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "DNS is disabled (Farm:Dns:Enabled=false)")]
    public static partial void Disabled(ILogger logger);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "DNS stopped")]
    public static partial void Stopped(ILogger logger);

    // Debug, not Warning: anyone who can reach the port can send garbage, and the log must not be theirs to flood.
    [LoggerMessage(EventId = 7004, Level = LogLevel.Debug, Message = "DNS message not answered")]
    public static partial void NotAnswered(ILogger logger, Exception exception);
}
