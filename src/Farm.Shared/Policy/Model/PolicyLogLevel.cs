namespace Farm.Shared.Policy;

/// <summary>The level at which the node logs decisions made by a rule; <see cref="None"/> when the rule has no <c>log</c> term.</summary>
public enum PolicyLogLevel : byte
{
    None,
    Debug,
    Info,
    Warning,
}
