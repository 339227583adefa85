namespace Farm.Cli;

/// <summary>pbm's row shape: cells joined by <c> | </c>, one row per line.</summary>
public static class Table
{
    public static void Write(TextWriter output, IEnumerable<IReadOnlyList<string>> rows)
    {
        foreach (var row in rows)
        {
            output.WriteLine(string.Join(" | ", row));
        }
    }
}
