using System.Collections.Immutable;

namespace Farm.Shared.Policy;

/// <summary>The state of one parse: statements read so far, names defined, references to check at the end.</summary>
internal sealed partial class PolicyReader
{
    private readonly List<PolicyError> _errors = [];
    private readonly List<ClientRule> _clientRules = [];
    private readonly List<UserEntry> _users = [];
    private readonly List<GroupEntry> _groups = [];
    private readonly List<RequestRule> _rules = [];
    private readonly List<RouteRule> _routes = [];
    private readonly List<LimitRule> _limits = [];
    private readonly Dictionary<string, int> _userLines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _groupLines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ruleNameLines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _limitLines = new(StringComparer.Ordinal);
    private readonly List<(bool IsGroup, string Name, int Line, int Column)> _references = [];

    public PolicyParseResult Read(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var tokens = PolicyLexer.Tokenize(line, i + 1, _errors);
            if (tokens.Count > 0)
            {
                ReadStatement(new TokenCursor(tokens, i + 1, line.Length + 1, _errors));
            }
        }

        CheckReferences();
        if (_errors.Count > 0)
        {
            return new PolicyParseResult(null, [.. _errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
        }

        var document = new PolicyDocument(
            _clientRules.ToImmutableArray(),
            _users.ToImmutableArray(),
            _groups.ToImmutableArray(),
            _rules.ToImmutableArray(),
            _routes.ToImmutableArray(),
            _limits.ToImmutableArray());
        return new PolicyParseResult(document, []);
    }

    private void ReadStatement(TokenCursor cursor)
    {
        var keyword = cursor.Next();
        if (keyword.Is("client"))
        {
            ReadClient(cursor);
        }
        else if (keyword.Is("user"))
        {
            ReadUser(cursor);
        }
        else if (keyword.Is("group"))
        {
            ReadGroup(cursor);
        }
        else if (keyword.Is("pass") || keyword.Is("block"))
        {
            ReadRequest(cursor, keyword.Is("pass") ? PolicyAction.Pass : PolicyAction.Block);
        }
        else if (keyword.Is("route"))
        {
            ReadRoute(cursor);
        }
        else if (keyword.Is("limit"))
        {
            ReadLimit(cursor);
        }
        else
        {
            cursor.Error(keyword, $"unknown statement '{keyword.Text}': expected client, user, group, pass, block, route or limit");
        }
    }

    private void CheckReferences()
    {
        foreach (var (isGroup, name, line, column) in _references)
        {
            var known = isGroup ? _groupLines : _userLines;
            if (!known.ContainsKey(name) && (isGroup || !PolicySyntax.IsPrincipal(name)))
            {
                _errors.Add(new PolicyError(line, column, $"unknown {(isGroup ? "group" : "user")} '{name}'"));
            }
        }
    }

    private void Reference(bool isGroup, Token token, int line) => _references.Add((isGroup, token.Text, line, token.Column));

    /// <summary>Records the first definition of a name; a second one is an error pointing at the first.</summary>
    private static bool Define(Dictionary<string, int> names, string what, Token token, TokenCursor cursor)
    {
        if (names.TryGetValue(token.Text, out var line))
        {
            cursor.Error(token, $"{what} '{token.Text}' is already defined on line {line}");
            return false;
        }

        names.Add(token.Text, cursor.Line);
        return true;
    }
}
