using Farm.Shared.Admin;
using Farm.Shared.Security;

namespace Farm.Cli;

/// <summary>
/// Where farmctl's bearer token comes from: <c>--token</c> or <c>FARMCTL_TOKEN</c> for every member,
/// else, per member, the token file that member generated on this machine (<see cref="AdminTokenFile"/>).
/// </summary>
public sealed class AdminTokenSource(string? given, string stateRoot)
{
    /// <summary>The token for <paramref name="endpoint"/>, or null; <paramref name="origin"/> says where it came from, for error messages.</summary>
    public AdminToken? For(string endpoint, out string origin)
    {
        if (!string.IsNullOrEmpty(given))
        {
            origin = "the token given by --token or FARMCTL_TOKEN";
            return new AdminToken(given, null, null);
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
            if (info.Exists)
            {
                Refuse(Path.GetDirectoryName(path)!, "admin token directory");
                if (info.LinkTarget is not null)
                {
                    throw new CliException(ExitCode.Failed, $"admin token file {path} is a symbolic link: not read");
                }

                Refuse(path, "admin token file");
            }

            if (info.Exists && info.Length is > 0 and <= AdminTokenFile.MaxLength && File.ReadAllText(path).Trim() is { Length: > 0 } token)
            {
                origin = $"the token in {path}";
                return new AdminToken(token, FileOwnership.OwnerOf(path), path);
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

    // A token another user could have planted would send this user's commands to that user's listener.
    private static void Refuse(string path, string what)
    {
        if (FileOwnership.Problem(path, what) is { } problem)
        {
            throw new CliException(ExitCode.Failed, $"{problem}: not read (another user could have planted it); pass --token, or fix its owner or mode");
        }
    }
}
