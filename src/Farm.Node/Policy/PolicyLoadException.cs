using Farm.Shared.Policy;

namespace Farm.Node.Policy;

/// <summary>A policy that failed validation; the message lists every error as source:line:column.</summary>
public sealed class PolicyLoadException(string source, IReadOnlyList<PolicyError> errors)
    : Exception($"policy {source} is invalid:{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => $"{source}:{e}")))
{
    public IReadOnlyList<PolicyError> Errors { get; } = errors;
}
