using Farm.Tests.Shared;

namespace Farm.IntegrationTests.Support;

/// <summary>Ports for the farm's members, from this suite's block below the ephemeral range (<see cref="TestPorts"/>).</summary>
public static class FreePorts
{
    public static int On(string address) => TestPorts.Next(address);
}
