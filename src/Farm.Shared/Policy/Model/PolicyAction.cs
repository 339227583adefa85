namespace Farm.Shared.Policy;

public enum PolicyAction : byte
{
    Block,
    Pass,
}
