using System.Net;

namespace Farm.Lighthouse.Discovery;

/// <summary>A lost member's metrics endpoint as its last advertisement gave it.</summary>
public sealed record LostScrapeTarget(string Name, string Role, IPEndPoint Metrics, DateTimeOffset LostAt);
