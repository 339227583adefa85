namespace Farm.Shared.Policy;

/// <summary>Why a step of <see cref="DecisionProcedure"/> came out as it did.</summary>
public enum VerdictReason : byte
{
    /// <summary>The decision on the address (with the name, when there is one).</summary>
    AddressDecided,

    /// <summary>An explicit block rule matched the name itself.</summary>
    NameBlocked,

    /// <summary>The name is routed upstream unresolved and a pass rule matched the name itself.</summary>
    NamePassedForUpstream,

    /// <summary>The name is routed upstream unresolved, so no address is ever checked, and no pass rule matched the name.</summary>
    NameNotPassedForUpstream,

    /// <summary>No pass rule could match the name or any address it might resolve to: refused, never resolved.</summary>
    NoRuleCanPassName,

    /// <summary>No explicit block on the name: its addresses decide.</summary>
    NameNeedsAddresses,

    /// <summary>Every address the name resolved to was refused.</summary>
    NoAddressPermitted,

    /// <summary>The name resolved to nothing.</summary>
    NoAddress,

    /// <summary>A udp pass rule can apply to this client, listener and user.</summary>
    UdpRuleApplies,

    /// <summary>No udp pass rule can apply to this client, listener and user.</summary>
    NoUdpRule,
}
