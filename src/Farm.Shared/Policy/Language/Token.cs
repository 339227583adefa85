namespace Farm.Shared.Policy;

/// <summary>A word, a comma or a quoted string of one policy line; <see cref="Column"/> is 1-based.</summary>
internal readonly record struct Token(string Text, int Column, bool Quoted)
{
    public bool IsComma => !Quoted && Text == ",";

    public bool Is(string keyword) => !Quoted && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);
}
