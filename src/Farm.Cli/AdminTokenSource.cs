using Farm.Shared.Admin;

namespace Farm.Cli;

/// <summary>
/// Where farmctl's bearer token comes from: <c>--token</c> or <c>FARMCTL_TOKEN</c> for every member,
/// else, per member, the token file that member generated on this machine (<see cref="AdminTokenFile"/>).
/// </summary>
public sealed class AdminTokenSource(string? given, string stateRoot)
{
    /// <summary>The token for <paramref name="endpoint"/>, or null; <paramref name="origin"/> says where it came from, for error messages.</summary>
    public string? For(string endpoint, out string origin)
    {
        if (!string.IsNullOrEmpty(given))
        {
            origin = "the token given by --token or FARMCTL_TOKEN";
            return given;
        }

        var path = AdminTokenFile.PathFor(stateRoot, endpoint);
        if (path is null)
        {
            origin = $"no token: pass --token or set FARMCTL_TOKEN ({endpoint} is not ip:port, so there is no token file to read)";
            return null;
        }

        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length is > 0 and <= AdminTokenFile.MaxLength && File.ReadAllText(path).Trim() is { Length: > 0 } token)
            {
                origin = $"the token in {path}";
                return token;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            origin = $"no token: {path} cannot be read ({e.Message}); pass --token or set FARMCTL_TOKEN";
            return null;
        }

        origin = $"no token: pass --token or set FARMCTL_TOKEN, or run farmctl as the member's user on its machine (no token file {path})";
        return null;
    }
}
