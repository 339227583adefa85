namespace Farm.Shared.Policy;

/// <summary>
/// Policy text as every output shows it (admin API, farmctl, <c>policy test</c>): an upstream route's password
/// reads <c>"***"</c>, everything else, comments included, stays as written. The replicated and stored text
/// keeps the real password, which the node must present to the upstream.
/// </summary>
public static class PolicyRedactor
{
    public const string Mask = "\"***\"";

    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        for (var number = 0; number < lines.Length; number++)
        {
            lines[number] = RedactLine(lines[number], number + 1);
        }

        return string.Join('\n', lines);
    }

    private static string RedactLine(string line, int number)
    {
        var tokens = PolicyLexer.Tokenize(line, number, []);
        if (tokens.Count == 0 || !tokens[0].Is("route"))
        {
            return line;
        }

        for (var i = 3; i < tokens.Count; i++)
        {
            if (tokens[i - 3].Is("user") && tokens[i - 1].Is("password"))
            {
                var start = tokens[i].Column - 1;
                return string.Concat(line.AsSpan(0, start), Mask, line.AsSpan(End(line, tokens[i])));
            }
        }

        return line;
    }

    /// <summary>Where a token ends in its line: a quoted one at its closing quote, past any escapes.</summary>
    private static int End(string line, Token token)
    {
        var start = token.Column - 1;
        if (!token.Quoted)
        {
            return start + token.Text.Length;
        }

        for (var i = start + 1; i < line.Length; i++)
        {
            if (line[i] == '\\')
            {
                i++;
            }
            else if (line[i] == '"')
            {
                return i + 1;
            }
        }

        return line.Length;
    }
}
