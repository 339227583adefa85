using System.Buffers;
using System.Net.Sockets;

namespace Farm.Node.Relaying;

/// <summary>
/// Pumps bytes both ways between two connected sockets, outside any actor mailbox.
/// Each direction waits with a zero-byte receive and rents a buffer only once data is
/// there, so an idle session holds no buffer; end of stream on one side is passed on as
/// a half-close. The first direction to fail cancels the other.
/// </summary>
public static class Relay
{
    public static async Task<RelayResult> RunAsync(
        Socket client,
        Socket upstream,
        RelaySettings settings,
        RelayCounters counters,
        CancellationToken kill)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(kill);
        using var deadline = new ActivityDeadline(settings.IdleTimeout, stop, settings.Time);

        var up = PumpAsync(client, upstream, settings.BufferSize, deadline, counters, isUp: true, stop.Token);
        var down = PumpAsync(upstream, client, settings.BufferSize, deadline, counters, isUp: false, stop.Token);

        var first = await Task.WhenAny(up, down).ConfigureAwait(false);
        if (first.Result != PumpEnd.EndOfStream)
        {
            stop.Cancel();
        }

        var upEnd = await up.ConfigureAwait(false);
        var downEnd = await down.ConfigureAwait(false);
        var outcome = Classify(upEnd, downEnd, first == up, kill.IsCancellationRequested, deadline.Expired);
        return new RelayResult(outcome, counters.BytesUp, counters.BytesDown);
    }

    private static RelayOutcome Classify(PumpEnd up, PumpEnd down, bool upEndedFirst, bool killed, bool idle)
    {
        if (killed)
        {
            return RelayOutcome.Killed;
        }

        if (idle)
        {
            return RelayOutcome.IdleTimeout;
        }

        if (up == PumpEnd.EndOfStream && down == PumpEnd.EndOfStream)
        {
            return RelayOutcome.Completed;
        }

        // The direction that failed first names the side at fault; the other only saw the cancellation.
        var culpritIsUp = (upEndedFirst ? up : down) != PumpEnd.EndOfStream ? upEndedFirst : !upEndedFirst;
        return (culpritIsUp ? up : down, culpritIsUp) switch
        {
            (PumpEnd.ReadFailed, true) or (PumpEnd.WriteFailed, false) => RelayOutcome.ClientError,
            (PumpEnd.ReadFailed, false) or (PumpEnd.WriteFailed, true) => RelayOutcome.UpstreamError,
            _ => RelayOutcome.Killed,
        };
    }

    private static async Task<PumpEnd> PumpAsync(
        Socket source,
        Socket destination,
        int bufferSize,
        ActivityDeadline deadline,
        RelayCounters counters,
        bool isUp,
        CancellationToken cancel)
    {
        byte[]? buffer = null;
        try
        {
            while (true)
            {
                if (buffer is null)
                {
                    if (!await WaitReadableAsync(source, cancel).ConfigureAwait(false))
                    {
                        return PumpEnd.ReadFailed;
                    }

                    buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
                }

                int read;
                try
                {
                    read = await source.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, cancel).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    return PumpEnd.ReadFailed;
                }

                if (read == 0)
                {
                    return ShutdownSend(destination) ? PumpEnd.EndOfStream : PumpEnd.WriteFailed;
                }

                deadline.Touch();
                try
                {
                    await destination.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancel).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    return PumpEnd.WriteFailed;
                }

                if (isUp)
                {
                    counters.AddUp(read);
                }
                else
                {
                    counters.AddDown(read);
                }

                // A full read means more is probably waiting: keep the buffer. Otherwise give it
                // back before waiting again.
                if (read < buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return PumpEnd.Canceled;
        }
        catch (ObjectDisposedException)
        {
            return PumpEnd.Canceled;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async ValueTask<bool> WaitReadableAsync(Socket source, CancellationToken cancel)
    {
        try
        {
            await source.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancel).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool ShutdownSend(Socket destination)
    {
        try
        {
            destination.Shutdown(SocketShutdown.Send);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private enum PumpEnd
    {
        EndOfStream,
        ReadFailed,
        WriteFailed,
        Canceled,
    }
}
