using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Farm.Cli.Peers;
using Farm.Shared.Admin;

namespace Farm.Cli;

/// <summary>
/// Talks to one member's admin endpoint. Every failure becomes a <see cref="CliException"/> with
/// the exit code scripts rely on: unreachable, unauthorized, or the member's own error message.
/// </summary>
public sealed class AdminClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly AdminTokenSource _tokens;
    private readonly AdminTransport _transport;
    private readonly string _tokenOrigin;

    public AdminClient(string endpoint, AdminTokenSource tokens, AdminTransport transport)
    {
        Endpoint = endpoint;
        _tokens = tokens;
        _transport = transport;
        var token = tokens.For(endpoint, out _tokenOrigin);
        _http = new HttpClient(transport.Handler(token)) { BaseAddress = new Uri($"{transport.Scheme}://{endpoint}"), Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        }
    }

    public string Endpoint { get; }

    /// <summary>
    /// Whether a member's identity is checked before the token is sent: HTTPS with a certificate from the
    /// farm's CA (<c>--ca</c>). A public CA's certificate proves only that someone owns a name, and anyone
    /// in the cluster view names the address farmctl dials.
    /// </summary>
    public bool VerifiesServer => _transport.Tls && _transport.Authorities is not null;

    /// <summary>HTTPS trusting the system's public roots: <c>--tls</c> without <c>--ca</c>.</summary>
    public bool TrustsPublicRoots => _transport.Tls && _transport.Authorities is null;

    /// <summary>Another member, with the given token or else that member's own token file.</summary>
    public AdminClient WithEndpoint(string endpoint) => new(endpoint, _tokens, _transport);

    public Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancel) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), type, cancel);

    public Task<T> PostAsync<TBody, T>(string path, TBody body, JsonTypeInfo<TBody> bodyType, JsonTypeInfo<T> type, CancellationToken cancel)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, bodyType), Encoding.UTF8, "application/json"),
        };
        return SendAsync(request, type, cancel);
    }

    /// <summary>A streaming GET: the response is handed over as soon as its headers arrive.</summary>
    public async Task<Stream> StreamAsync(string path, CancellationToken cancel)
    {
        var response = await CallAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead, cancel, bounded: false).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, cancel).ConfigureAwait(false);
        return await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends and reads the body; a 422 (a refused policy) is a result the caller prints, so it is
    /// returned for <typeparamref name="T"/> types that describe refusals.
    /// </summary>
    public async Task<T> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, CancellationToken cancel)
    {
        using var response = await CallAsync(request, HttpCompletionOption.ResponseContentRead, cancel, bounded: true).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.UnprocessableEntity)
        {
            await ThrowIfFailedAsync(response, cancel).ConfigureAwait(false);
        }

        var body = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCode.Failed, $"{Endpoint} answered something that is not the admin API: {e.Message}");
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> CallAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancel, bool bounded)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (bounded)
        {
            deadline.CancelAfter(Timeout);
        }

        try
        {
            return await _http.SendAsync(request, completion, bounded ? deadline.Token : cancel).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is ListenerNotOwnedException)
        {
            throw new CliException(ExitCode.Failed, $"refused to send the token to {Endpoint}: {e.InnerException.Message}");
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
        {
            throw new CliException(ExitCode.Unreachable, $"HTTPS to {Endpoint} refused: the member's certificate is not trusted or does not name {Endpoint} (check --ca): {e.InnerException.Message}");
        }
        catch (HttpRequestException e)
        {
            var reason = e.InnerException is SocketException s ? s.SocketErrorCode.ToString() : e.Message;
            throw new CliException(ExitCode.Unreachable, $"cannot reach the admin endpoint at {Endpoint}: {reason}");
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new CliException(ExitCode.Unreachable, $"the admin endpoint at {Endpoint} did not answer within {Timeout.TotalSeconds:0} s");
        }
    }

    private async Task ThrowIfFailedAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
        string? error;
        try
        {
            error = JsonSerializer.Deserialize(body, AdminJsonContext.Default.AdminError)?.Error;
        }
        catch (JsonException)
        {
            error = null;
        }

        throw response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new CliException(ExitCode.Unauthorized, $"{error ?? "unauthorized"} ({_tokenOrigin})"),
            HttpStatusCode.NotFound when error is null => new CliException(ExitCode.Failed, $"{Endpoint} does not serve this command (a lighthouse has no policy, drain or sessions)"),
            _ => new CliException(ExitCode.Failed, error ?? $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}"),
        };
    }
}
