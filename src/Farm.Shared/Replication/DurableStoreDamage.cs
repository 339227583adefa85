namespace Farm.Shared.Replication;

/// <summary>A committed durable store file that could not be read, and what is wrong with it.</summary>
public sealed record DurableStoreDamage(string File, string Problem)
{
    public override string ToString() => $"{File}: {Problem}";
}
