namespace Farm.Shared.Policy;

/// <summary>
/// Reads the tokens of one line and records errors against it. A structural error ends the line
/// (<see cref="Abandoned"/>); an error in one list item is recorded and the rest of the list is still
/// checked, so that one parse reports as much as it can.
/// </summary>
internal sealed class TokenCursor(List<Token> tokens, int line, int endColumn, List<PolicyError> errors)
{
    private int _index;

    public int Line => line;

    public int EndColumn => endColumn;

    public int ErrorCount { get; private set; }

    public bool Abandoned { get; private set; }

    public bool AtEnd => Abandoned || _index >= tokens.Count;

    public Token? Peek => AtEnd ? null : tokens[_index];

    public bool PeekIs(string keyword) => Peek is { } t && t.Is(keyword);

    public bool PeekIsComma => Peek is { IsComma: true };

    public Token Next() => tokens[_index++];

    public bool TryTake(string keyword)
    {
        if (!PeekIs(keyword))
        {
            return false;
        }

        _index++;
        return true;
    }

    /// <summary>The next token, which must be a word or string (not a comma); abandons the line otherwise.</summary>
    public Token? Expect(string what)
    {
        if (AtEnd)
        {
            Fail(endColumn, $"expected {what}");
            return null;
        }

        var token = Next();
        if (token.IsComma)
        {
            Fail(token.Column, $"expected {what}, found ','");
            return null;
        }

        return token;
    }

    public bool ExpectEnd()
    {
        if (AtEnd)
        {
            return !Abandoned;
        }

        Fail(tokens[_index].Column, $"unexpected '{tokens[_index].Text}'");
        return false;
    }

    public void Error(int column, string message)
    {
        ErrorCount++;
        errors.Add(new PolicyError(line, column, message));
    }

    public void Error(Token token, string message) => Error(token.Column, message);

    public void Fail(int column, string message)
    {
        Error(column, message);
        Abandoned = true;
    }

    public void Fail(Token token, string message) => Fail(token.Column, message);

    /// <summary>Reads <c>item (, item)*</c>; <paramref name="item"/> returns false for an item it reported as bad.</summary>
    public List<T>? List<T>(string what, Func<Token, (bool Ok, T Value)> item)
    {
        var items = new List<T>();
        while (true)
        {
            if (Expect(what) is not { } token)
            {
                return null;
            }

            var (ok, value) = item(token);
            if (Abandoned)
            {
                return null;
            }

            if (ok)
            {
                items.Add(value);
            }

            if (!PeekIsComma)
            {
                return items;
            }

            Next();
        }
    }
}
