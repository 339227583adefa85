namespace Farm.Node.Flow;

/// <summary>A stage's step: the next stage, or the end of the session, never both.</summary>
public readonly struct Advance<T>
    where T : SessionStage
{
    private readonly T? _next;
    private readonly Ended? _end;

    private Advance(T? next, Ended? end)
    {
        _next = next;
        _end = end;
    }

    public static implicit operator Advance<T>(T next) => new(next, null);

    public static implicit operator Advance<T>(Ended end) => new(null, end);

    public bool TryNext(out T next, out Ended end)
    {
        next = _next!;
        end = _end!;
        return _next is not null;
    }
}
