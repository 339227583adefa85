namespace Farm.Cli;

/// <summary>
/// A line diff (longest common subsequence) of two short texts, as <c>diff -u</c> prints its body:
/// each line prefixed with ' ' (both), '-' (only the old) or '+' (only the new). Policies are short;
/// the table is bounded so that a huge input is refused rather than exhausting memory.
/// </summary>
public static class LineDiff
{
    public const int MaxLines = 4000;

    public static IReadOnlyList<string> Compare(IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        if (before.Count > MaxLines || after.Count > MaxLines)
        {
            throw new CliException(ExitCode.Failed, $"policy diff: more than {MaxLines} lines on a side");
        }

        // common[i, j]: the longest common subsequence of before[i..] and after[j..].
        var common = new int[before.Count + 1, after.Count + 1];
        for (var i = before.Count - 1; i >= 0; i--)
        {
            for (var j = after.Count - 1; j >= 0; j--)
            {
                common[i, j] = before[i] == after[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var lines = new List<string>();
        int a = 0, b = 0;
        while (a < before.Count || b < after.Count)
        {
            if (a < before.Count && b < after.Count && before[a] == after[b])
            {
                lines.Add(" " + before[a++]);
                b++;
            }
            else if (b < after.Count && (a == before.Count || common[a, b + 1] >= common[a + 1, b]))
            {
                lines.Add("+" + after[b++]);
            }
            else
            {
                lines.Add("-" + before[a++]);
            }
        }

        return lines;
    }

    public static IReadOnlyList<string> Lines(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
}
