namespace Farm.Shared.Policy;

/// <summary><c>limit bandwidth RATE</c>: bytes per second per session and direction.</summary>
public sealed record BandwidthLimit(int Line, long BytesPerSecond) : LimitRule(Line);
