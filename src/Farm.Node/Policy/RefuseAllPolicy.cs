using Farm.Shared.Policy;

namespace Farm.Node.Policy;

/// <summary>
/// What a node enforces while it cannot know the farm's policy: every client refused before a SOCKS
/// byte, under a rule whose name says why, so each refusal's client record and metric carry the reason.
/// </summary>
public static class RefuseAllPolicy
{
    /// <summary>A stored farm policy exists and the replica has not read it yet (the first moments of a start).</summary>
    public const string StorePending = "store-pending";

    /// <summary>A node in a farm (it has seeds) that holds no farm version yet: its own file is not the farm's policy.</summary>
    public const string FarmPending = "farm-pending";

    /// <summary>The stored farm policy could not be read; refused until a valid one arrives.</summary>
    public const string StoreDamaged = "store-damaged";

    public static CompiledPolicy Compile(string reason) =>
        CompiledPolicy.Compile(PolicyParser.Parse($"client block from any name {reason}\n").Document!);
}
