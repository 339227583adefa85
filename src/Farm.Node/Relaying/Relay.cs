using System.Buffers;
using System.Net.Sockets;
using Farm.Node.Sockets;

namespace Farm.Node.Relaying;

/// <summary>
/// Pumps bytes both ways between two connected sockets, outside any actor mailbox.
/// Each direction waits with a zero-byte receive and rents a buffer only once data is
/// there, so an idle session holds no buffer; end of stream on one side is passed on as
/// a half-close. Reads and writes are tried without blocking first, so a socket only ever
/// holds the one pending receive. A failure, a kill or the idle deadline resets both sockets,
/// which ends the other direction too: no cancellation registration per pending operation.
/// Under a bandwidth limit each direction waits for its throttle before reading, holding no
/// buffer while it waits, and reads no more than the throttle allows.
/// </summary>
public sealed class Relay
{
    private readonly Socket _client;
    private readonly Socket _upstream;
    private readonly int _bufferSize;
    private readonly RelayCounters _counters;
    private readonly TimeProvider _time;
    private readonly RelayThrottle? _upThrottle;
    private readonly RelayThrottle? _downThrottle;
    private int _stop;

    private Relay(Socket client, Socket upstream, RelaySettings settings, RelayCounters counters)
    {
        _client = client;
        _upstream = upstream;
        _bufferSize = settings.BufferSize;
        _counters = counters;
        _time = settings.Time;
        if (settings.BytesPerSecond is { } rate)
        {
            _upThrottle = new RelayThrottle(rate, settings.BufferSize, settings.Time);
            _downThrottle = new RelayThrottle(rate, settings.BufferSize, settings.Time);
        }
    }

    private enum Stop
    {
        None,
        Killed,
        IdleTimeout,
        ClientFailed,
        UpstreamFailed,
    }

    /// <summary>Relays until both sides have closed, one fails, the session is killed or stays idle too long.</summary>
    /// <param name="pending">Bytes the client sent right behind its request; they go upstream first.</param>
    public static Task<RelayResult> RunAsync(
        Socket client,
        Socket upstream,
        byte[]? pending,
        RelaySettings settings,
        RelayCounters counters,
        CancellationToken kill) =>
        new Relay(client, upstream, settings, counters).RunAsync(pending, settings, kill);

    private async Task<RelayResult> RunAsync(byte[]? pending, RelaySettings settings, CancellationToken kill)
    {
        using var upThrottle = _upThrottle;
        using var downThrottle = _downThrottle;
        NonBlockingIo.Prepare(_client);
        NonBlockingIo.Prepare(_upstream);
        if (pending is not null)
        {
            try
            {
                if (!await NonBlockingIo.SendAllAsync(_upstream, pending, kill).ConfigureAwait(false))
                {
                    return new RelayResult(RelayOutcome.UpstreamError, 0, 0);
                }
            }
            catch (OperationCanceledException)
            {
                return new RelayResult(RelayOutcome.Killed, 0, 0);
            }

            _counters.AddUp(pending.Length);
            _upThrottle?.Charge(pending.Length);
        }

        using var killed = kill.UnsafeRegister(static state => ((Relay)state!).Halt(Stop.Killed), this);
        using var deadline = new ActivityDeadline(settings.IdleTimeout, settings.Time, static state => ((Relay)state!).Halt(Stop.IdleTimeout), this);

        var up = PumpAsync(_client, _upstream, deadline, _upThrottle, isUp: true);
        var down = PumpAsync(_upstream, _client, deadline, _downThrottle, isUp: false);
        await up.ConfigureAwait(false);
        await down.ConfigureAwait(false);

        var outcome = (Stop)Volatile.Read(ref _stop) switch
        {
            Stop.None => RelayOutcome.Completed,
            Stop.Killed => RelayOutcome.Killed,
            Stop.IdleTimeout => RelayOutcome.IdleTimeout,
            Stop.ClientFailed => RelayOutcome.ClientError,
            _ => RelayOutcome.UpstreamError,
        };
        return new RelayResult(outcome, _counters.BytesUp, _counters.BytesDown);
    }

    /// <summary>The first reason wins; resetting both sockets wakes whatever either direction waits on.</summary>
    private void Halt(Stop reason)
    {
        if (Interlocked.CompareExchange(ref _stop, (int)reason, (int)Stop.None) != (int)Stop.None)
        {
            return;
        }

        Reset(_client);
        Reset(_upstream);
        _upThrottle?.Halt();
        _downThrottle?.Halt();
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already reset or closed: disposing is all that is left.
        }

        socket.Dispose();
    }

    private async Task PumpAsync(Socket source, Socket destination, ActivityDeadline deadline, RelayThrottle? throttle, bool isUp)
    {
        // A read error is the source's side at fault, a write error the destination's.
        var sourceFailed = isUp ? Stop.ClientFailed : Stop.UpstreamFailed;
        var destinationFailed = isUp ? Stop.UpstreamFailed : Stop.ClientFailed;
        byte[]? buffer = null;
        try
        {
            while (true)
            {
                if (throttle?.Delay is { Ticks: > 0 } delay)
                {
                    if (buffer is not null)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = null;
                    }

                    if (!await throttle.WaitAsync(delay).ConfigureAwait(false))
                    {
                        return;
                    }
                }

                if (buffer is null)
                {
                    await source.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                    buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
                }

                var window = throttle?.Window(buffer.Length) ?? buffer.Length;
                var read = NonBlockingIo.Receive(source, buffer.AsSpan(0, window));
                if (read == NonBlockingIo.WouldBlock)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                    continue;
                }

                if (read < 0)
                {
                    Halt(sourceFailed);
                    return;
                }

                if (read == 0)
                {
                    if (!ShutdownSend(destination))
                    {
                        Halt(destinationFailed);
                    }

                    return;
                }

                var now = _time.GetTimestamp();
                deadline.Touch(now);
                _counters.Touched(now);
                if (!await NonBlockingIo.SendAllAsync(destination, buffer.AsMemory(0, read)).ConfigureAwait(false))
                {
                    Halt(destinationFailed);
                    return;
                }

                if (isUp)
                {
                    _counters.AddUp(read);
                }
                else
                {
                    _counters.AddDown(read);
                }

                throttle?.Charge(read);

                // A full read means more is probably waiting: keep the buffer. Otherwise give it
                // back before waiting again.
                if (read < window)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        catch (SocketException)
        {
            Halt(sourceFailed);
        }
        catch (ObjectDisposedException)
        {
            // Halted: the other direction or the session reset the sockets.
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static bool ShutdownSend(Socket destination)
    {
        try
        {
            destination.Shutdown(SocketShutdown.Send);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }
}
