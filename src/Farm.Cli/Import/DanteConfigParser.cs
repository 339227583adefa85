namespace Farm.Cli.Import;

/// <summary>
/// Reads the structure of a Dante 1.4 <c>sockd.conf</c> (comments, global <c>key: value</c> lines,
/// rule and route blocks, one-line blocks included) into statements. Pure: the meaning of each
/// setting is <see cref="DanteConverter"/>'s business.
/// </summary>
public static class DanteConfigParser
{
    public static (IReadOnlyList<DanteStatement> Statements, IReadOnlyList<ImportProblem> Problems) Parse(string text)
    {
        var tokens = Tokenize(text);
        var statements = new List<DanteStatement>();
        var problems = new List<ImportProblem>();
        var i = 0;
        while (i < tokens.Count)
        {
            var (line, word) = tokens[i];
            if (word.EndsWith(':'))
            {
                var (setting, next) = ReadSetting(tokens, i);
                statements.Add(new DanteStatement(line, "setting", null, [setting]));
                i = next;
                continue;
            }

            // "client pass {", "socks block {", "pass {", "route {"
            var header = new List<string>();
            while (i < tokens.Count && tokens[i].Word != "{" && tokens[i].Line == line && !tokens[i].Word.EndsWith(':'))
            {
                header.Add(tokens[i++].Word);
            }

            if (i >= tokens.Count || tokens[i].Word != "{")
            {
                problems.Add(new ImportProblem(line, $"not understood: '{string.Join(' ', header)}'"));
                continue;
            }

            i++;
            var settings = new List<DanteSetting>();
            var closed = false;
            while (i < tokens.Count)
            {
                if (tokens[i].Word == "}")
                {
                    i++;
                    closed = true;
                    break;
                }

                if (!tokens[i].Word.EndsWith(':'))
                {
                    problems.Add(new ImportProblem(tokens[i].Line, $"not understood inside the block: '{tokens[i].Word}'"));
                    i++;
                    continue;
                }

                var (setting, next) = ReadSetting(tokens, i);
                settings.Add(setting);
                i = next;
            }

            if (!closed)
            {
                problems.Add(new ImportProblem(line, "block not closed with '}'"));
                continue;
            }

            var (kind, action) = header switch
            {
                ["client", var a] => ("client", a),
                ["socks", var a] => ("socks", a),
                [var a] when a is "pass" or "block" => ("socks", a),
                ["route"] => ("route", null),
                _ => ("unknown", null),
            };
            if (kind == "unknown" || action is not (null or "pass" or "block"))
            {
                problems.Add(new ImportProblem(line, $"unknown block '{string.Join(' ', header)}'"));
                continue;
            }

            statements.Add(new DanteStatement(line, kind, action, settings));
        }

        return (statements, problems);
    }

    /// <summary>A key and its words: every word up to the next key, brace or end of line.</summary>
    private static (DanteSetting Setting, int Next) ReadSetting(List<(int Line, string Word)> tokens, int i)
    {
        var (line, key) = tokens[i++];
        var words = new List<string>();

        // "from:" and "to:" carry "port ..." after the address, on the same line.
        while (i < tokens.Count && tokens[i].Line == line && tokens[i].Word is not ("{" or "}") && !tokens[i].Word.EndsWith(':'))
        {
            words.Add(tokens[i++].Word);
        }

        return (new DanteSetting(line, key.TrimEnd(':').ToLowerInvariant(), words), i);
    }

    private static List<(int Line, string Word)> Tokenize(string text)
    {
        var tokens = new List<(int, string)>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var content = lines[n];
            var hash = content.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                content = content[..hash];
            }

            // Braces and "=" stand alone; "key:value" is split after the colon.
            content = content.Replace("{", " { ", StringComparison.Ordinal).Replace("}", " } ", StringComparison.Ordinal);
            foreach (var raw in content.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                var colon = raw.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && colon < raw.Length - 1 && char.IsLetter(raw[0]) && !raw.Contains("::", StringComparison.Ordinal) && raw[..colon].All(c => char.IsLetterOrDigit(c) || c is '.' or '_'))
                {
                    tokens.Add((n + 1, raw[..(colon + 1)]));
                    tokens.Add((n + 1, raw[(colon + 1)..]));
                }
                else
                {
                    tokens.Add((n + 1, raw));
                }
            }
        }

        return tokens;
    }
}
