using System.Globalization;

namespace Farm.Bench.Measure;

/// <summary>
/// Busy CPU seconds of the whole machine (every process, interrupts and softirqs), from the first
/// line of /proc/stat: the budget that generator, servers and proxy share on one machine.
/// </summary>
public static class MachineCpu
{
    private const double TicksPerSecond = 100;

    /// <summary>user + nice + system + irq + softirq + steal, in seconds since boot.</summary>
    public static double BusySeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return (Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8)) / TicksPerSecond;
    }
}
