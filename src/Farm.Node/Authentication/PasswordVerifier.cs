using System.Collections.Concurrent;
using System.Net;
using Farm.Shared.Policy;

namespace Farm.Node.Authentication;

/// <summary>
/// Checks RFC 1929 passwords without letting them starve the data path. A PBKDF2 run costs a large
/// fraction of a core-second, and before issue 16 every attempt ran on the thread pool at once, so ten
/// wrong logins a second delayed every other client's dialing by seconds. Here hashes run only on
/// <c>concurrency</c> dedicated threads with <c>queueLength</c> waiting places; an attempt that finds
/// no place, or comes from a throttled source, is refused at once without hashing. A password already
/// verified under the policy version is confirmed by its HMAC alone before any place is taken, so a
/// flood that fills the queue never locks out a user whose password is known. An attempt refused for
/// want of a place is not a failure of its source (an honest client caught in someone else's flood is
/// not throttled for it); it counts against the source's larger overflow budget, so guessing against
/// that cheap check while the queue is full stays bounded.
/// </summary>
public sealed class PasswordVerifier : IDisposable
{
    private readonly BlockingCollection<Check> _queue;
    private readonly PasswordFailureThrottle _throttle;
    private readonly int _places;
    private readonly Thread[] _threads;
    private int _taken;

    public PasswordVerifier(int concurrency, int queueLength, PasswordFailureThrottle throttle)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLength);
        _throttle = throttle;
        _places = concurrency + queueLength;
        _queue = new BlockingCollection<Check>(new ConcurrentQueue<Check>());
        _threads = new Thread[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"farm-password-{i}" };
            _threads[i].Start();
        }
    }

    public Task<PasswordVerdict> VerifyAsync(IPAddress source, CompiledPolicy policy, string user, string password, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return CheckAsync(source, () => policy.MatchesVerified(user, password), () => policy.VerifyPassword(user, password), cancel);
    }

    /// <summary>
    /// One GSSAPI context step, on the same threads and places as the hashes: a flood of bogus tokens waits or
    /// is refused like a flood of wrong passwords, and a failed context counts toward the source's throttle.
    /// </summary>
    public async Task<(PasswordVerdict Verdict, GssapiStep Step)> StepGssapiAsync(IPAddress source, GssapiContext context, byte[] token, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(context);
        var step = GssapiStep.Failed;
        var verdict = await CheckAsync(source, static () => false, () => (step = context.Step(token)).Outcome != GssapiStepOutcome.Failed, cancel).ConfigureAwait(false);
        return (verdict, step);
    }

    /// <param name="cached">Cheap: true when the password is known good without hashing.</param>
    /// <param name="hash">The costly check, run on a hashing thread.</param>
    internal async Task<PasswordVerdict> CheckAsync(IPAddress source, Func<bool> cached, Func<bool> hash, CancellationToken cancel)
    {
        if (_throttle.IsThrottled(source))
        {
            return PasswordVerdict.Throttled;
        }

        if (cached())
        {
            return PasswordVerdict.Accepted;
        }

        if (Interlocked.Increment(ref _taken) > _places)
        {
            Interlocked.Decrement(ref _taken);
            _throttle.RecordOverflow(source);
            return PasswordVerdict.Overloaded;
        }

        Check check;
        try
        {
            // The place is given back by the hashing thread, when the work is really done.
            check = new Check(hash, cancel);
            _queue.Add(check, CancellationToken.None);
        }
        catch
        {
            Interlocked.Decrement(ref _taken);
            throw;
        }

        var valid = await check.Result.Task.WaitAsync(cancel).ConfigureAwait(false);
        if (!valid)
        {
            _throttle.RecordFailure(source);
            return PasswordVerdict.Rejected;
        }

        return PasswordVerdict.Accepted;
    }

    public void Dispose() => _queue.CompleteAdding();

    private void Work()
    {
        foreach (var check in _queue.GetConsumingEnumerable())
        {
            try
            {
                // A client whose handshake deadline passed while it waited costs no hash.
                if (check.Cancel.IsCancellationRequested)
                {
                    check.Result.TrySetCanceled(check.Cancel);
                }
                else
                {
                    check.Result.TrySetResult(check.Hash());
                }
            }
            catch (Exception e)
            {
                check.Result.TrySetException(e);
            }
            finally
            {
                Interlocked.Decrement(ref _taken);
            }
        }
    }

    private sealed record Check(Func<bool> Hash, CancellationToken Cancel)
    {
        public TaskCompletionSource<bool> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
