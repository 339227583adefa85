using System.Text;

namespace Farm.Shared.Policy;

/// <summary>
/// Splits one line into tokens: words end at white space or a comma, a comma is a token of its own,
/// <c>"..."</c> is a string with <c>\"</c> and <c>\\</c> escapes, and <c>#</c> at the start of a token
/// begins a comment (so a <c>#</c> inside a word, such as a base64 salt, needs no quoting).
/// </summary>
internal static class PolicyLexer
{
    public static List<Token> Tokenize(string line, int lineNumber, List<PolicyError> errors)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#')
            {
                break;
            }
            else if (c == ',')
            {
                tokens.Add(new Token(",", i + 1, false));
                i++;
            }
            else if (c == '"')
            {
                var start = i;
                var text = new StringBuilder();
                i++;
                var closed = false;
                while (i < line.Length)
                {
                    if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\')
                    {
                        text.Append(line[i + 1]);
                        i += 2;
                    }
                    else if (line[i] == '"')
                    {
                        closed = true;
                        i++;
                        break;
                    }
                    else
                    {
                        text.Append(line[i++]);
                    }
                }

                if (!closed)
                {
                    errors.Add(new PolicyError(lineNumber, start + 1, "unterminated string"));
                    return [];
                }

                tokens.Add(new Token(text.ToString(), start + 1, true));
            }
            else
            {
                var start = i;
                while (i < line.Length && !char.IsWhiteSpace(line[i]) && line[i] != ',')
                {
                    i++;
                }

                tokens.Add(new Token(line[start..i], start + 1, false));
            }
        }

        return tokens;
    }
}
