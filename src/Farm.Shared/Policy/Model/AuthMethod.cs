namespace Farm.Shared.Policy;

/// <summary>How the client authenticated; also the value of a rule's <c>auth</c> term.</summary>
public enum AuthMethod : byte
{
    None,
    Password,
}
