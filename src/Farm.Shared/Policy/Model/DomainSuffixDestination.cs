namespace Farm.Shared.Policy;

/// <summary>
/// <c>*.suffix</c>: matches names strictly below <see cref="Suffix"/>, not the apex itself, so that
/// <c>*.example.org</c> cannot be read as "example.org too"; list the apex separately when it is meant.
/// </summary>
public sealed record DomainSuffixDestination(string Suffix) : Destination;
