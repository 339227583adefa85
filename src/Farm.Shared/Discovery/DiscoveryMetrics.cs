using System.Diagnostics.Metrics;

namespace Farm.Shared.Discovery;

/// <summary>The discovery meter: advertisements a member refused to use.</summary>
public static class DiscoveryMetrics
{
    public const string MeterName = "Farm.Discovery";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Exported as <c>farm_advertisements_untrusted_total{reason}</c>: each refused value of a member's entry counted once.</summary>
    public static readonly Counter<long> UntrustedAdvertisements = Meter.CreateCounter<long>("farm.advertisements.untrusted", "{advertisement}", "Advertisements in the farm-nodes map this member did not use: unsigned, not from the farm's CA, or naming a member or address the signer's certificate does not");
}
