using System.Net;
using Farm.Shared.Net;

namespace Farm.Node.Sources;

/// <summary>
/// A fixed number of node-wide places (descriptors kept in the session caps' margin) shared by the
/// sources, grouped as the per-source caps group them. One rule: a source holds at most half of the
/// places (<see cref="PerSource"/>), so one source flooding can never take them all; a place freed
/// while requests wait goes to the waiting request whose source holds the fewest places (the one that
/// waited longest among equals), so a newcomer is served before a source already holding many.
/// </summary>
public sealed class SharedPlaces
{
    private readonly SourcePrefixLengths _prefixes;
    private readonly Dictionary<SourceKey, int> _held = [];
    private readonly LinkedList<Waiter> _waiting = new();
    private readonly Lock _gate = new();
    private int _free;

    public SharedPlaces(int places, SourcePrefixLengths prefixes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(places, 1);
        Places = places;
        PerSource = Math.Max(1, places / 2);
        _prefixes = prefixes;
        _free = places;
    }

    public int Places { get; }

    /// <summary>The most places one source holds at once.</summary>
    public int PerSource { get; }

    /// <summary>Places held now (for tests and metrics).</summary>
    public int InUse
    {
        get
        {
            lock (_gate)
            {
                return Places - _free;
            }
        }
    }

    /// <summary>Takes a place for <paramref name="source"/> when one is free to it, without waiting.</summary>
    public bool TryTake(IPAddress source)
    {
        var key = SourceKey.Of(source, _prefixes);
        lock (_gate)
        {
            return TryTakeLocked(key);
        }
    }

    /// <summary>
    /// A place for <paramref name="source"/>, waiting for one as long as <paramref name="cancel"/> allows.
    /// </summary>
    /// <exception cref="OperationCanceledException">No place came in time; none is held.</exception>
    public async Task TakeAsync(IPAddress source, CancellationToken cancel)
    {
        var key = SourceKey.Of(source, _prefixes);
        Waiter waiter;
        lock (_gate)
        {
            if (TryTakeLocked(key))
            {
                return;
            }

            cancel.ThrowIfCancellationRequested();
            waiter = new Waiter(key);
            waiter.Node = _waiting.AddLast(waiter);
        }

        await using (cancel.Register(() => GiveUp(waiter)).ConfigureAwait(false))
        {
            await waiter.Granted.Task.ConfigureAwait(false);
        }
    }

    public void Release(IPAddress source)
    {
        var key = SourceKey.Of(source, _prefixes);
        Waiter? next;
        lock (_gate)
        {
            if (_held.TryGetValue(key, out var held) && held > 1)
            {
                _held[key] = held - 1;
            }
            else
            {
                _held.Remove(key);
            }

            next = NextLocked();
            if (next is null)
            {
                _free++;
            }
            else
            {
                _waiting.Remove(next.Node!);
                next.Node = null;
                _held[next.Key] = _held.GetValueOrDefault(next.Key) + 1;
            }
        }

        next?.Granted.TrySetResult();
    }

    private bool TryTakeLocked(SourceKey key)
    {
        var held = _held.GetValueOrDefault(key);
        if (_free == 0 || held >= PerSource)
        {
            return false;
        }

        _free--;
        _held[key] = held + 1;
        return true;
    }

    /// <summary>Under the lock: the waiter whose source holds the fewest places and may hold one more, the oldest among equals.</summary>
    private Waiter? NextLocked()
    {
        Waiter? best = null;
        var fewest = PerSource;
        for (var node = _waiting.First; node is not null; node = node.Next)
        {
            var held = _held.GetValueOrDefault(node.Value.Key);
            if (held < fewest)
            {
                best = node.Value;
                fewest = held;
            }
        }

        return best;
    }

    private void GiveUp(Waiter waiter)
    {
        lock (_gate)
        {
            if (waiter.Node is null)
            {
                // Granted before the cancel: the place is the caller's, and the await below returns it.
                return;
            }

            _waiting.Remove(waiter.Node);
            waiter.Node = null;
        }

        waiter.Granted.TrySetCanceled();
    }

    private sealed class Waiter(SourceKey key)
    {
        public SourceKey Key { get; } = key;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}
