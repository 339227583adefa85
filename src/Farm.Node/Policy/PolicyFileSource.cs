using Farm.Node.Options;
using Farm.Shared.Policy;
using Microsoft.Extensions.Options;

namespace Farm.Node.Policy;

/// <summary>
/// Reads the policy from the configured file, or the embedded default (ops/policies/default.policy)
/// when none is configured, and compiles it. Nothing is returned unless the whole text is valid.
/// </summary>
public sealed class PolicyFileSource(IOptions<PolicyOptions> options, TimeProvider time)
{
    public const string EmbeddedName = "embedded:default.policy";

    private long _version;

    public string SourceName => options.Value.File ?? EmbeddedName;

    public PolicySnapshot Load() => Compile(ReadText(), SourceName);

    /// <summary>The configured file's text, or the embedded default's.</summary>
    public string ReadText() => ReadText(options.Value);

    /// <summary>Validates and compiles policy text from any source as the next local version.</summary>
    public PolicySnapshot Compile(string text, string source)
    {
        var parsed = PolicyParser.Parse(text);
        if (!parsed.Success)
        {
            throw new PolicyLoadException(source, parsed.Errors);
        }

        var document = WithLoopbackOptIn(parsed.Document!, options.Value);
        return new PolicySnapshot(CompiledPolicy.Compile(document), Interlocked.Increment(ref _version), source, time.GetUtcNow());
    }

    public static string ReadEmbeddedDefault()
    {
        using var stream = typeof(PolicyFileSource).Assembly.GetManifestResourceStream("default.policy")
            ?? throw new InvalidOperationException("the default policy is not embedded in this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string ReadText(PolicyOptions options) =>
        options.File is null ? ReadEmbeddedDefault() : File.ReadAllText(options.File);

    /// <summary>
    /// The opt-in for trying the farm against a server on this machine. Its rules go first so they
    /// win over the policy's loopback block, they keep the farm's own ports closed, and they are
    /// named so the file's rules keep their own line numbers.
    /// </summary>
    private static PolicyDocument WithLoopbackOptIn(PolicyDocument document, PolicyOptions options)
    {
        if (!options.AllowLoopbackDestinations)
        {
            return document;
        }

        var ports = string.Join(", ", options.ProtectedPorts);
        var text = (ports.Length > 0 ? $"block any to any port {ports} name opt-in-farm-ports\n" : string.Empty)
            + "pass connect from 127.0.0.0/8, ::1 to 127.0.0.0/8, ::1 name opt-in-loopback\n";
        var optIn = PolicyParser.Parse(text).Document!;
        return document with { Rules = [.. optIn.Rules, .. document.Rules] };
    }
}
