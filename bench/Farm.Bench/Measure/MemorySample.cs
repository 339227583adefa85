namespace Farm.Bench.Measure;

/// <summary>Resident (RSS) and proportional (PSS) memory of a process tree at one moment, in KiB.</summary>
public readonly record struct MemorySample(long RssKiB, long PssKiB)
{
    public static MemorySample Of(int pid) => new(ProcessTree.RssKiB(pid), ProcessTree.PssKiB(pid));
}
