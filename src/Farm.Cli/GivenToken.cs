namespace Farm.Cli;

/// <summary>A token the operator gave for every member (<c>--token</c>, <c>--token-file</c>, <c>--token -</c>, <c>FARMCTL_TOKEN</c>), and which of them.</summary>
public sealed record GivenToken(string Value, string Origin);
