using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Farm.Bench.Report;

/// <summary>The raw results of a run, with enough about the machine to compare runs later.</summary>
public sealed record ResultsFile(
    DateTimeOffset Started,
    string Machine,
    int ProcessorCount,
    string Runtime,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<string> Targets,
    IReadOnlyList<ScenarioResult> Results)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // A percentile over zero samples is NaN; it must survive the round trip rather than fail the write.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string DescribeMachine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{cpu ?? "unknown cpu"}; {RuntimeInformation.OSDescription}";
    }

    public async Task WriteAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var stream = File.Create(path);
        await JsonSerializer.SerializeAsync(stream, this, Json);
    }

    public static async Task<ResultsFile> ReadAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<ResultsFile>(stream, Json)
            ?? throw new InvalidDataException($"{path}: empty results");
    }
}
