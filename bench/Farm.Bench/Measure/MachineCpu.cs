using System.Globalization;

namespace Farm.Bench.Measure;

/// <summary>
/// Busy CPU seconds of the whole machine (every process, interrupts and softirqs), from the first
/// line of /proc/stat: the budget that generator, servers and proxy share on one machine.
/// </summary>
public static class MachineCpu
{
    /// <summary>
    /// user + nice + system + irq + softirq, in seconds since boot. Steal is left out: it is time
    /// the hypervisor gave to other guests, not work done here.
    /// </summary>
    public static double BusySeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return (Field(1) + Field(2) + Field(3) + Field(6) + Field(7)) / ProcessTree.TicksPerSecond;
    }
}
