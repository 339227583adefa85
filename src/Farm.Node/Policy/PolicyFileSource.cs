using Farm.Node.Options;
using Farm.Shared.Policy;
using Microsoft.Extensions.Options;

namespace Farm.Node.Policy;

/// <summary>
/// Reads the policy from the configured file, or the embedded default (ops/policies/default.policy)
/// when none is configured, and compiles it for this node. Nothing is returned unless the whole text is valid.
/// </summary>
public sealed class PolicyFileSource(IOptions<PolicyOptions> options, TimeProvider time)
{
    public const string EmbeddedName = DefaultPolicy.SourceName;

    public string SourceName => options.Value.File ?? EmbeddedName;

    /// <summary>The local bootstrap policy, version 0: any replicated version replaces it.</summary>
    public PolicySnapshot Load()
    {
        var parsed = PolicyParser.Parse(ReadText());
        if (!parsed.Success)
        {
            throw new PolicyLoadException(SourceName, parsed.Errors);
        }

        return new PolicySnapshot(Compile(parsed.Document!), 0, SourceName, time.GetUtcNow());
    }

    public string ReadText() => options.Value.File is { } file ? File.ReadAllText(file) : DefaultPolicy.ReadText();

    /// <summary>Compiles any policy this node enforces, local or replicated, with the node's own opt-ins.</summary>
    public CompiledPolicy Compile(PolicyDocument document) => CompiledPolicy.Compile(WithLoopbackOptIn(document, options.Value));

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
