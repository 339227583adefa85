using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Farm.Node.Authentication;
using Farm.Node.Sockets;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Gssapi;
using Farm.Shared.Socks.Socks4;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Handshake;

/// <summary>
/// Drives the SOCKS4/4a/5 negotiation on an accepted socket up to a complete request. Only
/// I/O lives here: the pure parsers say what the bytes mean and the policy snapshot says
/// which methods and which users are acceptable. Every reply it owes is sent before it returns.
/// </summary>
public sealed class SocksHandshake
{
    // The largest request is SOCKS4a: 8 bytes, a 255-byte USERID and a 255-byte host, each NUL-terminated.
    private const int ReadCapacity = 1024;
    private const int WriteOffset = ReadCapacity;
    private const int BufferSize = ReadCapacity + 512;

    /// <summary>Context tokens accepted from one client before it is aborted.</summary>
    private const int MaxContextRounds = 4;

    private readonly Socket _socket;
    private readonly CompiledPolicy _policy;
    private readonly IPAddress _client;
    private readonly IPAddress _listener;
    private readonly PasswordVerifier _passwords;
    private readonly GssapiAcceptor? _gssapi;
    private byte[]? _buffer;
    private int _start;
    private int _end;

    private SocksHandshake(Socket socket, CompiledPolicy policy, IPAddress client, IPAddress listener, PasswordVerifier passwords, GssapiAcceptor? gssapi)
    {
        _passwords = passwords;
        _gssapi = gssapi;
        _socket = socket;
        _policy = policy;
        _client = client;
        _listener = listener;
    }

    private delegate ParseStatus Parser<T, TError>(ref SequenceReader<byte> reader, out T value, out TError error);

    /// <summary>
    /// <paramref name="preface"/>: bytes already read from the client before the handshake (those after a PROXY
    /// header), at most the read capacity; they are parsed first.
    /// </summary>
    public static async Task<HandshakeResult> RunAsync(
        Socket socket,
        byte[]? preface,
        CompiledPolicy policy,
        IPAddress client,
        IPAddress listener,
        PasswordVerifier passwords,
        GssapiAcceptor? gssapi,
        TimeSpan timeout,
        CancellationToken kill)
    {
        NonBlockingIo.Prepare(socket);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(kill);
        deadline.CancelAfter(timeout);
        var handshake = new SocksHandshake(socket, policy, client, listener, passwords, gssapi);
        if (preface is { Length: > 0 })
        {
            handshake._buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            preface.AsSpan(0, Math.Min(preface.Length, ReadCapacity)).CopyTo(handshake._buffer);
            handshake._end = Math.Min(preface.Length, ReadCapacity);
        }

        try
        {
            return await handshake.NegotiateAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return HandshakeResult.Failed(kill.IsCancellationRequested ? HandshakeFailure.Killed : HandshakeFailure.Timeout);
        }
        catch (SocketException)
        {
            return HandshakeResult.Failed(HandshakeFailure.ClientError);
        }
        finally
        {
            handshake.ReturnBuffer();
        }
    }

    private async Task<HandshakeResult> NegotiateAsync(CancellationToken cancel)
    {
        if (_end == 0 && await ReadMoreAsync(cancel).ConfigureAwait(false) <= 0)
        {
            return HandshakeResult.Failed(HandshakeFailure.ClientClosed);
        }

        return _buffer![_start] switch
        {
            (byte)SocksVersion.Socks5 => await Socks5Async(cancel).ConfigureAwait(false),
            (byte)SocksVersion.Socks4 => await Socks4Async(cancel).ConfigureAwait(false),
            _ => HandshakeResult.Failed(HandshakeFailure.UnknownProtocol),
        };
    }

    private async Task<HandshakeResult> Socks5Async(CancellationToken cancel)
    {
        const SocksVersion v5 = SocksVersion.Socks5;
        var (status, greeting, greetingError) = await ReadAsync<Socks5Greeting, Socks5ParseError>(Socks5GreetingParser.TryParse, cancel).ConfigureAwait(false);
        if (status != ParseStatus.Complete)
        {
            if (greetingError == Socks5ParseError.NoMethods)
            {
                await SendAsync(Socks5Writer.WriteMethodSelection(WriteSpan, Socks5AuthMethod.NoAcceptableMethods), cancel).ConfigureAwait(false);
            }

            return HandshakeResult.Failed(FailureOf(status), v5);
        }

        var accepted = DecisionProcedure.OnAuth(_policy, _client, _listener);
        if (_gssapi is null)
        {
            accepted &= ~AuthRequirement.GssapiAccepted;
        }

        var method = Socks5MethodSelector.Choose(greeting.Methods, accepted);
        await SendAsync(Socks5Writer.WriteMethodSelection(WriteSpan, method), cancel).ConfigureAwait(false);
        if (method == Socks5AuthMethod.NoAcceptableMethods)
        {
            return HandshakeResult.Failed(HandshakeFailure.NoAcceptableMethod, v5);
        }

        string? user = null;
        var auth = AuthMethod.None;
        if (method == Socks5AuthMethod.UsernamePassword)
        {
            var (authStatus, credentials, _) = await ReadAsync<Socks5PasswordRequest?, Socks5ParseError>(Socks5PasswordRequestParser.TryParse, cancel).ConfigureAwait(false);
            if (authStatus != ParseStatus.Complete)
            {
                // RFC 1929: any failure in the sub-negotiation closes the connection.
                return HandshakeResult.Failed(FailureOf(authStatus), v5);
            }

            // Never on the socket's thread nor the pool's: a password not yet verified under this policy
            // costs a full PBKDF2 run, which the bounded verifier runs on threads of its own.
            var login = credentials!;
            var verdict = await _passwords.VerifyAsync(_client, _policy, login.User, login.Password, cancel).ConfigureAwait(false);
            await SendAsync(Socks5Writer.WritePasswordStatus(WriteSpan, verdict == PasswordVerdict.Accepted), cancel).ConfigureAwait(false);
            if (verdict != PasswordVerdict.Accepted)
            {
                var failure = verdict switch
                {
                    PasswordVerdict.Overloaded => HandshakeFailure.PasswordOverloaded,
                    PasswordVerdict.Throttled => HandshakeFailure.PasswordThrottled,
                    _ => HandshakeFailure.AuthenticationFailed,
                };
                return HandshakeResult.Failed(failure, v5, login.User);
            }

            user = login.User;
            auth = AuthMethod.Password;
        }
        else if (method == Socks5AuthMethod.GssApi)
        {
            var (failure, principal) = await GssapiAsync(_gssapi!, cancel).ConfigureAwait(false);
            if (failure != HandshakeFailure.None)
            {
                return HandshakeResult.Failed(failure, v5, principal);
            }

            user = principal;
            auth = AuthMethod.Gssapi;
        }

        var (requestStatus, request, requestError) = await ReadAsync<Socks5Request, Socks5ParseError>(Socks5RequestParser.TryParse, cancel).ConfigureAwait(false);
        if (requestStatus != ParseStatus.Complete)
        {
            if (requestStatus == ParseStatus.Invalid)
            {
                await SendAsync(Socks5Writer.WriteReply(WriteSpan, requestError.ToReply(), null), cancel).ConfigureAwait(false);
            }

            var failure = requestError switch
            {
                Socks5ParseError.UnknownCommand => HandshakeFailure.UnsupportedCommand,
                Socks5ParseError.UnknownAddressType => HandshakeFailure.UnsupportedAddressType,
                _ => FailureOf(requestStatus),
            };
            return HandshakeResult.Failed(failure, v5, user);
        }

        return HandshakeResult.Succeeded(new SocksRequest(v5, request.Command, request.Destination, auth, user, TakePending()));
    }

    /// <summary>
    /// RFC 1961: context tokens until the context is established, then the protection level. Any failure is
    /// answered with an abort (§3.8) and ends the handshake; the principal is returned once it is known.
    /// </summary>
    private async Task<(HandshakeFailure Failure, string? Principal)> GssapiAsync(GssapiAcceptor acceptor, CancellationToken cancel)
    {
        using var context = acceptor.Open();
        string? principal = null;
        for (var round = 0; principal is null; round++)
        {
            // Kerberos needs one token each way; a client that keeps the context open longer is not one.
            if (round == MaxContextRounds)
            {
                return (await AbortAsync(HandshakeFailure.GssapiFailed, cancel).ConfigureAwait(false), null);
            }

            var (readFailure, token) = await ReadGssapiTokenAsync(GssapiMessageType.Authentication, cancel).ConfigureAwait(false);
            if (readFailure != HandshakeFailure.None)
            {
                return (readFailure, null);
            }

            var (verdict, step) = await _passwords.StepGssapiAsync(_client, context, token!, cancel).ConfigureAwait(false);
            if (verdict != PasswordVerdict.Accepted)
            {
                var failure = verdict switch
                {
                    PasswordVerdict.Overloaded => HandshakeFailure.GssapiOverloaded,
                    PasswordVerdict.Throttled => HandshakeFailure.GssapiThrottled,
                    _ => HandshakeFailure.GssapiFailed,
                };
                return (await AbortAsync(failure, cancel).ConfigureAwait(false), null);
            }

            if (step.Outcome == GssapiStepOutcome.Completed)
            {
                principal = step.Principal;
                if (principal is null || !DecisionProcedure.OnLogin(_policy, _client, _listener, AuthMethod.Gssapi, principal))
                {
                    return (await AbortAsync(HandshakeFailure.PrincipalNotAllowed, cancel).ConfigureAwait(false), principal);
                }
            }

            if (step.Reply is { Length: > 0 } reply)
            {
                await SendGssapiAsync(GssapiMessageType.Authentication, reply, cancel).ConfigureAwait(false);
            }
        }

        var (levelFailure, levelToken) = await ReadGssapiTokenAsync(GssapiMessageType.ProtectionLevel, cancel).ConfigureAwait(false);
        if (levelFailure != HandshakeFailure.None)
        {
            return (levelFailure, principal);
        }

        // Per-message protection is not implemented: whatever level the client asks for, the answer is
        // "clear" (0), which curl and Dante understand; a client that needs protection closes (§4.4).
        if (context.Unwrap(levelToken) is not { Length: 1 } || context.Wrap([(byte)GssapiProtectionLevel.Clear]) is not { } answer)
        {
            return (await AbortAsync(HandshakeFailure.GssapiFailed, cancel).ConfigureAwait(false), principal);
        }

        await SendGssapiAsync(GssapiMessageType.ProtectionLevel, answer, cancel).ConfigureAwait(false);
        return (HandshakeFailure.None, principal);
    }

    /// <summary>One RFC 1961 message of the expected type; an abort is sent for anything else.</summary>
    private async Task<(HandshakeFailure Failure, byte[]? Token)> ReadGssapiTokenAsync(GssapiMessageType expected, CancellationToken cancel)
    {
        var (status, header, _) = await ReadAsync<GssapiHeader, GssapiParseError>(GssapiHeaderParser.TryParse, cancel).ConfigureAwait(false);
        if (status == ParseStatus.Incomplete)
        {
            return (HandshakeFailure.ClientClosed, null);
        }

        if (status == ParseStatus.Invalid || header.Type != expected)
        {
            // A client's own abort needs no answer.
            return header.Type == GssapiMessageType.Abort && status == ParseStatus.Complete
                ? (HandshakeFailure.GssapiFailed, null)
                : (await AbortAsync(HandshakeFailure.ProtocolError, cancel).ConfigureAwait(false), null);
        }

        var token = new byte[header.TokenLength];
        var buffered = Math.Min(_end - _start, token.Length);
        _buffer.AsSpan(_start, buffered).CopyTo(token);
        _start += buffered;
        for (var filled = buffered; filled < token.Length;)
        {
            var read = await _socket.ReceiveAsync(token.AsMemory(filled), SocketFlags.None, cancel).ConfigureAwait(false);
            if (read == 0)
            {
                return (HandshakeFailure.ClientClosed, null);
            }

            filled += read;
        }

        return (HandshakeFailure.None, token);
    }

    private async ValueTask SendGssapiAsync(GssapiMessageType type, byte[] token, CancellationToken cancel)
    {
        var message = new byte[GssapiWriter.SizeOf(token.Length)];
        GssapiWriter.WriteMessage(message, type, token);
        if (!await NonBlockingIo.SendAllAsync(_socket, message, cancel).ConfigureAwait(false))
        {
            throw new SocketException((int)SocketError.ConnectionReset);
        }
    }

    private async ValueTask<HandshakeFailure> AbortAsync(HandshakeFailure failure, CancellationToken cancel)
    {
        await SendAsync(GssapiWriter.WriteAbort(WriteSpan), cancel).ConfigureAwait(false);
        return failure;
    }

    private async Task<HandshakeResult> Socks4Async(CancellationToken cancel)
    {
        const SocksVersion v4 = SocksVersion.Socks4;
        var (status, request, error) = await ReadAsync<Socks4Request?, Socks4ParseError>(Socks4RequestParser.TryParse, cancel).ConfigureAwait(false);
        if (status != ParseStatus.Complete)
        {
            if (status == ParseStatus.Invalid)
            {
                await SendAsync(Socks4Writer.WriteReply(WriteSpan, Socks4Reply.Rejected, null), cancel).ConfigureAwait(false);
            }

            return HandshakeResult.Failed(error == Socks4ParseError.UnknownCommand ? HandshakeFailure.UnsupportedCommand : FailureOf(status), v4);
        }

        // SOCKS4 has no authentication (USERID is an ident claim, not a credential).
        if (!DecisionProcedure.OnAuth(_policy, _client, _listener).HasFlag(AuthRequirement.NoneAccepted))
        {
            await SendAsync(Socks4Writer.WriteReply(WriteSpan, Socks4Reply.Rejected, null), cancel).ConfigureAwait(false);
            return HandshakeResult.Failed(HandshakeFailure.NoAcceptableMethod, v4);
        }

        return HandshakeResult.Succeeded(new SocksRequest(v4, request!.Command, request.Destination, AuthMethod.None, null, TakePending()));
    }

    private static HandshakeFailure FailureOf(ParseStatus status) =>
        status == ParseStatus.Invalid ? HandshakeFailure.ProtocolError : HandshakeFailure.ClientClosed;

    private Span<byte> WriteSpan => _buffer.AsSpan(WriteOffset);

    private async ValueTask<(ParseStatus Status, T Value, TError Error)> ReadAsync<T, TError>(Parser<T, TError> parser, CancellationToken cancel)
    {
        while (true)
        {
            var status = TryParse(parser, out var value, out var error);
            if (status != ParseStatus.Incomplete)
            {
                return (status, value, error);
            }

            var read = await ReadMoreAsync(cancel).ConfigureAwait(false);
            if (read == 0)
            {
                return (ParseStatus.Incomplete, value, error);
            }

            if (read < 0)
            {
                return (ParseStatus.Invalid, value, error);
            }
        }
    }

    private ParseStatus TryParse<T, TError>(Parser<T, TError> parser, out T value, out TError error)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_buffer!, _start, _end - _start));
        var status = parser(ref reader, out value, out error);
        if (status == ParseStatus.Complete)
        {
            _start += (int)reader.Consumed;
        }

        return status;
    }

    /// <summary>Bytes read, 0 when the client closed, -1 when a message outgrows the buffer.</summary>
    private async ValueTask<int> ReadMoreAsync(CancellationToken cancel)
    {
        if (_buffer is null)
        {
            // Most clients send their greeting with the connect: it is read at once, without a wait
            // (an epoll round trip). A client that has sent nothing yet is waited for without a
            // buffer, so stalled clients hold no memory.
            _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            var first = NonBlockingIo.Receive(_socket, _buffer.AsSpan(0, ReadCapacity));
            if (first == NonBlockingIo.Failed)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }

            if (first != NonBlockingIo.WouldBlock)
            {
                _end = first;
                return first;
            }

            ReturnBuffer();
            await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancel).ConfigureAwait(false);
            _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == ReadCapacity)
        {
            return -1;
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end, ReadCapacity - _end), SocketFlags.None, cancel).ConfigureAwait(false);
        _end += read;
        return read;
    }

    private async ValueTask SendAsync(int length, CancellationToken cancel)
    {
        if (!await NonBlockingIo.SendAllAsync(_socket, _buffer.AsMemory(WriteOffset, length), cancel).ConfigureAwait(false))
        {
            throw new SocketException((int)SocketError.ConnectionReset);
        }
    }

    private byte[]? TakePending() => _end > _start ? _buffer.AsSpan(_start, _end - _start).ToArray() : null;

    private void ReturnBuffer()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}
