namespace Farm.Node.Flow;

/// <summary>
/// One stage a session reached. Each stage is built only from the one before it (the constructors are
/// not public), so a session cannot relay before its reply nor dial before its pass decision; each
/// keeps the one before, so the last stage reached knows the whole session.
/// </summary>
public abstract class SessionStage
{
    private protected SessionStage(SessionStage? previous) => Previous = previous;

    public SessionStage? Previous { get; }

    /// <summary>What the session is doing, for <c>sessions list</c>.</summary>
    public abstract SessionPhase Phase { get; }

    /// <summary>This stage or the latest one before it of the given type.</summary>
    public T? Find<T>()
        where T : SessionStage
    {
        for (var stage = this; stage is not null; stage = stage.Previous)
        {
            if (stage is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>Gives back what this stage itself holds (a socket, a limit place); called once, at the end.</summary>
    internal virtual void Release(bool graceful)
    {
    }
}
