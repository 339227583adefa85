namespace Farm.Node.Relaying;

/// <summary>Per-node relay settings, fixed at start.</summary>
public sealed record RelaySettings(int BufferSize, TimeSpan IdleTimeout, TimeProvider Time);
