using System.Buffers;
using System.Net.Sockets;
using Farm.Shared.Proxy;
using Farm.Shared.Socks;

namespace Farm.Node.Proxying;

/// <summary>
/// Reads the PROXY header a trusted proxy sends first, under the handshake deadline; the pure parser says
/// what the bytes mean. A silent connection waits without a buffer.
/// </summary>
public static class ProxyHeaderReader
{
    public static async Task<ProxyHeaderRead> ReadAsync(Socket socket, TimeSpan timeout, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(kill);
        deadline.CancelAfter(timeout);
        byte[]? buffer = null;
        try
        {
            await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, deadline.Token).ConfigureAwait(false);
            buffer = ArrayPool<byte>.Shared.Rent(ProxyHeaderParser.MaxLength);
            var filled = 0;
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(filled, ProxyHeaderParser.MaxLength - filled), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return ProxyHeaderRead.Failed(ProxyFailure.ClientClosed);
                }

                filled += read;
                var status = ProxyHeaderParser.TryParse(buffer.AsSpan(0, filled), out var header, out var consumed, out var error);
                if (status == ParseStatus.Complete)
                {
                    var leftover = filled > consumed ? buffer.AsSpan(consumed, filled - consumed).ToArray() : null;
                    return new ProxyHeaderRead(header, null, leftover);
                }

                if (status == ParseStatus.Invalid || filled == ProxyHeaderParser.MaxLength)
                {
                    return ProxyHeaderRead.Failed(error switch
                    {
                        ProxyHeaderError.Missing => ProxyFailure.HeaderMissing,
                        ProxyHeaderError.UnsupportedFamily => ProxyFailure.FamilyUnsupported,
                        _ => ProxyFailure.HeaderMalformed,
                    });
                }
            }
        }
        catch (OperationCanceledException)
        {
            return ProxyHeaderRead.Failed(kill.IsCancellationRequested ? ProxyFailure.Killed : ProxyFailure.HeaderTimeout);
        }
        catch (SocketException)
        {
            return ProxyHeaderRead.Failed(ProxyFailure.ClientClosed);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
