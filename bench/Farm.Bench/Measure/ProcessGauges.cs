using System.Globalization;

namespace Farm.Bench.Measure;

/// <summary>What a long-running process holds at one moment: resident memory, open descriptors and threads.</summary>
public readonly record struct ProcessGauges(long RssKiB, int Descriptors, int Threads)
{
    public static ProcessGauges Of(int pid) => new(
        ProcessTree.RssKiB(pid),
        Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length,
        StatusField(pid, "Threads:"));

    private static int StatusField(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal))
            ?? throw new InvalidDataException($"/proc/{pid}/status has no {field}");
        return int.Parse(line[field.Length..].Trim(), CultureInfo.InvariantCulture);
    }
}
