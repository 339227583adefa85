using System.Net;
using Farm.Shared.Net;

namespace Farm.Node.Sources;

/// <summary>
/// A fixed number of node-wide places (descriptors kept in the session caps' margin) shared by the
/// sources, grouped as the per-source caps group them, except that an IPv6 source counts as its /48
/// (<see cref="Ipv6Prefix"/>) at most: otherwise two /64s of one /48 took every place (outsider review
/// att16c). One rule: a source holds at most its share (<see cref="ShareFor"/>), the places divided by
/// the sources holding or waiting for places plus one, so a newcomer always finds room; a place freed
/// while requests wait goes to the waiting request whose source holds the fewest places (the one that
/// waited longest among equals), so a newcomer is served before a source already holding many.
/// </summary>
public sealed class SharedPlaces
{
    /// <summary>The widest IPv6 group these places count as one source: a site's usual allocation.</summary>
    public const int Ipv6Prefix = 48;

    private readonly SourcePrefixLengths _prefixes;
    private readonly Dictionary<SourceKey, Hold> _sources = [];
    private readonly LinkedList<Waiter> _waiting = new();
    private readonly Lock _gate = new();
    private int _free;

    public SharedPlaces(int places, SourcePrefixLengths prefixes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(places, 1);
        Places = places;
        _prefixes = prefixes with { Ipv6 = Math.Min(prefixes.Ipv6, Ipv6Prefix) };
        _free = places;
    }

    public int Places { get; }

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

    /// <summary>The most places <paramref name="source"/> may hold now: the places over the sources holding or waiting (its own counted) plus one, at least 1.</summary>
    public int ShareFor(IPAddress source)
    {
        var key = SourceKey.Of(source, _prefixes);
        lock (_gate)
        {
            return ShareLocked(key);
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
            HoldOf(key).Waiting++;
        }

        await using (cancel.Register(() => GiveUp(waiter)).ConfigureAwait(false))
        {
            await waiter.Granted.Task.ConfigureAwait(false);
        }
    }

    public void Release(IPAddress source)
    {
        var key = SourceKey.Of(source, _prefixes);
        List<Waiter> granted;
        lock (_gate)
        {
            if (_sources.TryGetValue(key, out var hold) && hold.Held > 0)
            {
                hold.Held--;
                Forget(key, hold);
            }

            _free++;
            granted = GrantLocked();
        }

        granted.ForEach(w => w.Granted.TrySetResult());
    }

    private int ShareLocked(SourceKey key) =>
        Math.Max(1, Places / (_sources.Count + (_sources.ContainsKey(key) ? 0 : 1) + 1));

    private bool TryTakeLocked(SourceKey key)
    {
        var held = _sources.TryGetValue(key, out var hold) ? hold.Held : 0;
        if (_free == 0 || held >= ShareLocked(key))
        {
            return false;
        }

        _free--;
        HoldOf(key).Held++;
        return true;
    }

    /// <summary>Under the lock: hands free places to waiters while one may take one; the ones granted.</summary>
    private List<Waiter> GrantLocked()
    {
        var granted = new List<Waiter>();
        while (_free > 0 && NextLocked() is { } next)
        {
            _waiting.Remove(next.Node!);
            next.Node = null;
            var hold = HoldOf(next.Key);
            hold.Waiting--;
            hold.Held++;
            _free--;
            granted.Add(next);
        }

        return granted;
    }

    /// <summary>Under the lock: the waiter whose source holds the fewest places and may hold one more, the oldest among equals.</summary>
    private Waiter? NextLocked()
    {
        Waiter? best = null;
        var fewest = int.MaxValue;
        for (var node = _waiting.First; node is not null; node = node.Next)
        {
            var held = _sources[node.Value.Key].Held;
            if (held < ShareLocked(node.Value.Key) && held < fewest)
            {
                best = node.Value;
                fewest = held;
            }
        }

        return best;
    }

    private void GiveUp(Waiter waiter)
    {
        List<Waiter> granted;
        lock (_gate)
        {
            if (waiter.Node is null)
            {
                // Granted before the cancel: the place is the caller's, and the await below returns it.
                return;
            }

            _waiting.Remove(waiter.Node);
            waiter.Node = null;
            var hold = _sources[waiter.Key];
            hold.Waiting--;
            Forget(waiter.Key, hold);

            // One source fewer may raise the others' share while places are free.
            granted = GrantLocked();
        }

        waiter.Granted.TrySetCanceled();
        granted.ForEach(w => w.Granted.TrySetResult());
    }

    private Hold HoldOf(SourceKey key)
    {
        if (!_sources.TryGetValue(key, out var hold))
        {
            hold = new Hold();
            _sources[key] = hold;
        }

        return hold;
    }

    private void Forget(SourceKey key, Hold hold)
    {
        if (hold.Held == 0 && hold.Waiting == 0)
        {
            _sources.Remove(key);
        }
    }

    /// <summary>One source's places held and requests waiting.</summary>
    private sealed class Hold
    {
        public int Held { get; set; }

        public int Waiting { get; set; }
    }

    private sealed class Waiter(SourceKey key)
    {
        public SourceKey Key { get; } = key;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}
