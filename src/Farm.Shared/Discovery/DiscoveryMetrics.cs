using System.Diagnostics.Metrics;

namespace Farm.Shared.Discovery;

/// <summary>The discovery meter: advertisements a member refused to use, and names several members claim.</summary>
public static class DiscoveryMetrics
{
    public const string MeterName = "Farm.Discovery";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Exported as <c>farm_advertisements_untrusted_total{reason}</c>: each refused value of a member's entry counted once.</summary>
    public static readonly Counter<long> UntrustedAdvertisements = Meter.CreateCounter<long>("farm.advertisements.untrusted", "{advertisement}", "Advertisements in the farm-nodes map this member did not use: unsigned, not from the farm's CA, or naming a member or address the signer's certificate does not");

    /// <summary>Exported as <c>farm_advertisements_name_collisions_total</c>: each time a member starts claiming a name another member owns.</summary>
    public static readonly Counter<long> NameCollisions = Meter.CreateCounter<long>("farm.advertisements.name_collisions", "{member}", "Members that advertise a name another member owns: they stay in the SOCKS pool, but the per-name DNS record is the owner's");
}
