namespace Farm.Lighthouse.Probing;

/// <summary>The probe's SOCKS5 greeting and the judgement of what came back. Pure: no sockets here.</summary>
public static class GreetingReply
{
    private const byte Socks5 = 0x05;

    /// <summary>Version 5, two methods offered: no authentication (0x00) and username/password (0x02).</summary>
    public static ReadOnlyMemory<byte> Greeting { get; } = new byte[] { Socks5, 0x02, 0x00, 0x02 };

    /// <summary>The reply is two bytes, version then method.</summary>
    public const int Length = 2;

    /// <summary>A method selection from a SOCKS5 server: version 5 and any method, "no acceptable methods" (0xFF) too.</summary>
    public static ProbeOutcome Judge(ReadOnlySpan<byte> reply) =>
        reply.Length == Length && reply[0] == Socks5 ? ProbeOutcome.Answered : ProbeOutcome.NotSocks;

    /// <summary>Whether a node answering this way may be handed to clients.</summary>
    public static bool IsAlive(ProbeOutcome outcome) => outcome is ProbeOutcome.Answered or ProbeOutcome.ClosedByNode;
}
