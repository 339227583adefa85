using System.CommandLine;
using System.CommandLine.Invocation;

namespace Farm.Cli.CommandLine;

/// <summary>
/// A command line the parser refused, as farmctl's one-line usage errors: System.CommandLine's message, its
/// typo corrections ("did you mean 'cluster'?") and where the usage is.
/// </summary>
public static class ParseErrors
{
    private const string NotMatched = "' was not matched. Did you mean one of the following?";

    /// <summary>
    /// One line: the error about the first word nothing took (after it every word is out of place), else the
    /// parser's first error; with the corrections offered for that word and where the usage is.
    /// </summary>
    public static string Line(ParseResult parse)
    {
        var unmatched = parse.UnmatchedTokens.FirstOrDefault();
        var message = parse.Errors.Select(e => e.Message).FirstOrDefault(m => unmatched is not null && m.Contains($"'{unmatched}'", StringComparison.Ordinal))
            ?? parse.Errors[0].Message;
        var corrections = Corrections(parse).Where(c => message.Contains($"'{c.Key}'", StringComparison.Ordinal))
            .SelectMany(c => c.Value.Where(s => c.Key.StartsWith('-') || !s.StartsWith('-')))
            .Select(s => $"'{s}'")
            .ToList();
        var suggestion = corrections.Count > 0 ? $" Did you mean {string.Join(" or ", corrections)}?" : string.Empty;
        return $"{message}{suggestion} ('{HelpPath(parse)} --help' shows the usage)";
    }

    /// <summary>The corrections System.CommandLine's own error action suggests, by the word they correct.</summary>
    private static Dictionary<string, List<string>> Corrections(ParseResult parse)
    {
        var corrections = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (parse.Action is not ParseErrorAction action)
        {
            return corrections;
        }

        action.ShowHelp = false;
        action.ShowTypoCorrections = true;
        using var output = new StringWriter();
        using var error = new StringWriter();
        parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
        List<string>? current = null;
        foreach (var line in output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('\'') && line.EndsWith(NotMatched, StringComparison.Ordinal))
            {
                current = corrections[line[1..^NotMatched.Length]] = [];
            }
            else
            {
                current?.Add(line);
            }
        }

        corrections.Where(c => c.Value.Count == 0).Select(c => c.Key).ToList().ForEach(k => corrections.Remove(k));
        return corrections;
    }

    private static string HelpPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command is RootCommand ? "farmctl" : result.Command.Name);
        }

        return string.Join(' ', names);
    }
}
