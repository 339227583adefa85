namespace Farm.Cli;

/// <summary>A generated client configuration and the SOCKS endpoints it names.</summary>
public sealed record ClientConfigResult(string Format, IReadOnlyList<string> Endpoints, string Text);
