using Farm.Shared.Admin;
using Farm.Shared.Security;

namespace Farm.Cli;

/// <summary>
/// Where farmctl's bearer token comes from: the one the operator gave, for every member, else, per
/// member, the token file that member generated on this machine (<see cref="AdminTokenFile"/>). Unless
/// <c>--trust-listener</c>, a token goes only to a listener of the expected user: a token file's owner,
/// or, for a given token and a loopback target, the user running farmctl.
/// </summary>
public sealed class AdminTokenSource(GivenToken? given, string stateRoot, bool trustListener)
{
    private const string Options = "pass --token-file <path>, --token - (standard input) or set FARMCTL_TOKEN";

    /// <summary>The token for <paramref name="endpoint"/>, or null; <paramref name="origin"/> says where it came from, for error messages.</summary>
    public AdminToken? For(string endpoint, out string origin)
    {
        if (given is not null)
        {
            origin = $"the token given by {given.Origin}";
            return new AdminToken(given.Value, trustListener ? null : FileOwnership.CurrentUser, "who runs farmctl", LoopbackOnly: true);
        }

        var path = AdminTokenFile.PathFor(stateRoot, endpoint);
        if (path is null)
        {
            origin = $"no token: {Options} ({endpoint} is not ip:port, so there is no token file to read)";
            return null;
        }

        try
        {
            if (File.Exists(path) && ReadTrusted(path, "admin token file", "admin token directory") is { } token)
            {
                origin = $"the token in {path}";
                return new AdminToken(token, trustListener ? null : FileOwnership.OwnerOf(path), $"who owns {path}", LoopbackOnly: false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            origin = $"no token: {path} cannot be read ({e.Message}); {Options}";
            return null;
        }

        origin = $"no token: {Options}, or run farmctl as the member's user on its machine (no token file {path})";
        return null;
    }

    /// <summary>
    /// The token in <paramref name="path"/> (trimmed), or null when it is empty or over <see cref="AdminTokenFile.MaxLength"/>.
    /// A link, or a file or directory another user owns or group or others may write, is refused: another
    /// user could have planted the token, to have this user's commands sent to their own listener.
    /// </summary>
    public static string? ReadTrusted(string path, string what, string directoryWhat)
    {
        var info = new FileInfo(path);
        Refuse(Path.GetDirectoryName(Path.GetFullPath(path))!, directoryWhat);
        if (info.LinkTarget is not null)
        {
            throw new CliException(ExitCode.Failed, $"{what} {path} is a symbolic link: not read");
        }

        Refuse(path, what);
        return info.Length is > 0 and <= AdminTokenFile.MaxLength && File.ReadAllText(path).Trim() is { Length: > 0 } token ? token : null;
    }

    private static void Refuse(string path, string what)
    {
        if (FileOwnership.Problem(path, what) is { } problem)
        {
            throw new CliException(ExitCode.Failed, $"{problem}: not read (another user could have planted it); fix its owner or mode");
        }
    }
}
