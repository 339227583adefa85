using System.Buffers.Text;
using System.Security.Cryptography;
using Farm.Shared.Admin;
using Farm.Shared.Security;

namespace Farm.Admin.Access;

/// <summary>
/// The member's generated admin token: 32 random bytes (base64url) written once to a file only its
/// user can read (0600 in a 0700 directory it creates) and read back on later starts, only while the
/// file and its directory are that user's and no one else may write them.
/// </summary>
public static class AdminTokenStore
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupOrOthers = ~(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    /// <summary>The token in <paramref name="path"/>, made first when there is none; whether it was made now.</summary>
    public static (string Token, bool Created) LoadOrCreate(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (Directory.Exists(directory) && FileOwnership.Problem(directory, "admin token directory") is { } loose)
        {
            throw new InvalidOperationException($"{loose}: another user could plant or swap the token; fix its owner or mode");
        }

        if (Read(path) is { } existing)
        {
            return (existing, false);
        }

        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, OwnerDirectory);
            }
        }

        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = OwnerOnly;
        }

        using (var stream = new FileStream(temporary, create))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(token + "\n");
        }

        try
        {
            // No overwrite: a member starting at the same moment on the same endpoint keeps the one written first.
            File.Move(temporary, path, overwrite: false);
            return (token, true);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return (Read(path) ?? throw new InvalidOperationException($"admin token file {path} is empty"), false);
        }
    }

    private static string? Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }

        if (info.LinkTarget is not null)
        {
            throw new InvalidOperationException($"admin token file {path} is a symbolic link; delete it to generate a new token");
        }

        if (FileOwnership.Problem(path, "admin token file") is { } foreign)
        {
            throw new InvalidOperationException($"{foreign}: another user could have planted it; delete it to generate a new token");
        }

        if (!OperatingSystem.IsWindows() && (info.UnixFileMode & GroupOrOthers) != 0)
        {
            throw new InvalidOperationException(
                $"admin token file {path} is readable by other users (mode {Convert.ToString((int)info.UnixFileMode, 8)}): anyone who read it can drive the farm; delete it to generate a new token, or chmod 600 it if no one else did");
        }

        if (info.Length is 0 or > AdminTokenFile.MaxLength)
        {
            throw new InvalidOperationException($"admin token file {path} is empty or too long; delete it to generate a new token");
        }

        var token = File.ReadAllText(path).Trim();
        return token.Length > 0 ? token : throw new InvalidOperationException($"admin token file {path} is empty; delete it to generate a new token");
    }
}
