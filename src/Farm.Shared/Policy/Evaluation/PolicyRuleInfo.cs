namespace Farm.Shared.Policy;

/// <summary>The rule behind a decision: <see cref="Id"/> is its name, or "line N" when it has none.</summary>
public sealed record PolicyRuleInfo(int Line, string Id, PolicyLogLevel Log)
{
    internal static PolicyRuleInfo For(int line, string? name, PolicyLogLevel log) => new(line, name ?? $"line {line}", log);
}
