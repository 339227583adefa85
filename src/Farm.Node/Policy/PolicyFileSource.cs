using System.Net;
using Farm.Admin;
using Farm.Node.Cluster;
using Farm.Node.Options;
using Farm.Shared.Cluster;
using Farm.Shared.Policy;
using Farm.Shared.Telemetry;
using Microsoft.Extensions.Options;

namespace Farm.Node.Policy;

/// <summary>
/// Reads the policy from the configured file, or the embedded default (ops/policies/default.policy)
/// when none is configured, and compiles it for this node. Nothing is returned unless the whole text is valid.
/// </summary>
public sealed class PolicyFileSource(
    IOptions<PolicyOptions> options,
    IOptions<AdminOptions> admin,
    IOptions<TelemetryOptions> telemetry,
    IOptions<FarmClusterOptions> cluster,
    IOptions<SocksOptions> socks,
    TimeProvider time)
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

        return new PolicySnapshot(Compile(parsed.Document!, local: true), 0, SourceName, time.GetUtcNow());
    }

    public string ReadText() => options.Value.File is { } file ? File.ReadAllText(file) : DefaultPolicy.ReadText();

    /// <summary>
    /// Compiles a policy this node enforces. The loopback opt-in applies to the node's local policy only:
    /// any other farm policy is enforced exactly as written.
    /// </summary>
    public CompiledPolicy Compile(PolicyDocument document, bool local) =>
        CompiledPolicy.Compile(local && options.Value.AllowLoopbackDestinations ? LoopbackOptIn.Apply(document, OwnPorts()) : document);

    /// <summary>
    /// The ports this node's own endpoints are configured on: admin, telemetry, remoting and its SOCKS listeners
    /// (a session through the node back into itself would loop and count twice). Port 0, picked at bind time,
    /// is not known here.
    /// </summary>
    public IReadOnlyList<int> OwnPorts()
    {
        var ports = new List<int>();
        foreach (var listen in socks.Value.EffectiveListeners.Select(l => l.Endpoint).Append(admin.Value.Listen).Append(telemetry.Value.Listen))
        {
            if (IPEndPoint.TryParse(listen, out var endpoint) && endpoint.Port > 0)
            {
                ports.Add(endpoint.Port);
            }
        }

        if ((cluster.Value.Port ?? NodeClusterHosting.DefaultPort) is > 0 and var remoting)
        {
            ports.Add(remoting);
        }

        return ports;
    }
}
