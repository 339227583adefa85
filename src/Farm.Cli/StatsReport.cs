namespace Farm.Cli;

/// <summary>What <c>farmctl stats</c> makes of session records, as the classic SOCKS log statistics tools did.</summary>
public sealed record StatsReport(
    DateTimeOffset? First,
    DateTimeOffset? Last,
    int Records,
    int Sessions,
    int RefusedClients,
    int Denied,
    int Skipped,
    long BytesUp,
    long BytesDown,
    IReadOnlyList<StatsCount> Outcomes,
    IReadOnlyList<StatsCount> Clients,
    IReadOnlyList<StatsCount> Users,
    IReadOnlyList<StatsCount> Destinations,
    IReadOnlyList<StatsCount> DenialsByRule,
    IReadOnlyList<StatsCount> Nodes);
