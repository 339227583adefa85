namespace Farm.Shared.Policy;

/// <summary>One item of a <c>to</c> list: a network, an exact host name or a domain suffix.</summary>
public abstract record Destination;
