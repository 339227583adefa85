namespace Farm.Cli;

/// <summary>
/// One command's words after the palette and command names: positional values and
/// <c>--name value</c> options, each taken once so that anything left over is reported.
/// </summary>
public sealed class Arguments
{
    private readonly List<string> _positional;
    private readonly Dictionary<string, string?> _options;
    private readonly string _command;

    private Arguments(string command, List<string> positional, Dictionary<string, string?> options)
    {
        _command = command;
        _positional = positional;
        _options = options;
    }

    /// <summary>Splits words into positionals and options; <paramref name="flags"/> are the options that take no value.</summary>
    public static Arguments Parse(string command, IReadOnlyList<string> words, IReadOnlySet<string> flags)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (!word.StartsWith("--", StringComparison.Ordinal) || word == "--")
            {
                positional.Add(word);
                continue;
            }

            var name = word[2..];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (!flags.Contains(name))
            {
                if (i + 1 >= words.Count)
                {
                    throw CliException.Usage($"{command}: --{name} needs a value");
                }

                value = words[++i];
            }

            options[name] = value;
        }

        return new Arguments(command, positional, options);
    }

    public string? Option(string name) => _options.Remove(name, out var value) ? value : null;

    public bool Flag(string name) => _options.Remove(name);

    public string Required(string name) =>
        Option(name) ?? throw CliException.Usage($"{_command}: --{name} is required");

    public string? Next() => _positional.Count > 0 ? Take() : null;

    public string NextRequired(string what) =>
        _positional.Count > 0 ? Take() : throw CliException.Usage($"{_command}: {what} is required");

    public IReadOnlyList<string> Rest()
    {
        var rest = _positional.ToList();
        _positional.Clear();
        return rest;
    }

    /// <summary>Fails on any word no part of the command took.</summary>
    public void Done()
    {
        if (_options.Count > 0)
        {
            throw CliException.Usage($"{_command}: unknown option --{_options.Keys.First()}");
        }

        if (_positional.Count > 0)
        {
            throw CliException.Usage($"{_command}: unexpected argument '{_positional[0]}'");
        }
    }

    private string Take()
    {
        var value = _positional[0];
        _positional.RemoveAt(0);
        return value;
    }
}
