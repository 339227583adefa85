namespace Farm.Node.Sources;

/// <summary>
/// One source's hold on a full node, as <see cref="FairShare"/> judges it: its open connections, the
/// admission order of its oldest unfinished handshake (null when none), and how long its longest-idle
/// relaying session has moved no byte (zero when none relays).
/// </summary>
public readonly record struct SourceShare(int Open, long? OldestUnfinished, TimeSpan LongestIdle);
