namespace Farm.Node.Handshake;

/// <summary>Either a request or the reason there is none.</summary>
public sealed record HandshakeResult(SocksRequest? Request, HandshakeFailure Failure, SocksVersion? Version, string? User)
{
    public static HandshakeResult Succeeded(SocksRequest request) =>
        new(request, HandshakeFailure.None, request.Version, request.User);

    public static HandshakeResult Failed(HandshakeFailure failure, SocksVersion? version = null, string? user = null) =>
        new(null, failure, version, user);
}
