using System.Globalization;
using System.Runtime.InteropServices;

namespace Farm.Shared.Security;

/// <summary>
/// Who owns a file and who may write it, for secrets kept in files (the admin token): a file or
/// directory another user owns or may write could hold a token planted or swapped by that user.
/// Linux only (statx); elsewhere nothing is checked.
/// </summary>
public static class FileOwnership
{
    private const int CurrentDirectory = -100;
    private const int NoFollow = 0x100;
    private const uint WantModeAndOwner = 0x2 | 0x8;
    private const int StatxSize = 256;
    private const UnixFileMode GroupOrOthersWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
    private const UnixFileMode OthersAny = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
    private const UnixFileMode GroupOrOthersAny = OthersAny | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute;

    /// <summary>The effective user id of this process.</summary>
    public static uint CurrentUser => GetEffectiveUser();

    /// <summary>The owner's user id of <paramref name="path"/> (the link itself, not its target).</summary>
    public static uint OwnerOf(string path) => Stat(path).Owner;

    /// <summary>
    /// Why <paramref name="path"/> (a <paramref name="what"/>) must not be trusted: owned by another user,
    /// or writable by group or others; null when it is this user's alone, or off Linux.
    /// </summary>
    public static string? Problem(string path, string what)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var (owner, mode) = Stat(path);
        var self = CurrentUser;
        if (owner != self)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{what} {path} is owned by uid {owner}, not by this user (uid {self})");
        }

        return (mode & GroupOrOthersWrite) != 0
            ? $"{what} {path} is writable by group or others (mode {Convert.ToString((int)mode, 8)})"
            : null;
    }

    /// <summary>
    /// Why the private key in <paramref name="path"/> (named by <paramref name="setting"/>) must not be used:
    /// ssh's rule, a key file of this user's with any permission for group or others (0600 expected); a key
    /// another user (root) manages may be shared with this member's group, never with others. Null when it
    /// is kept close, when it does not exist (loading it reports that), or off Linux.
    /// </summary>
    public static string? PrivateKeyProblem(string path, string setting)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(path))
        {
            return null;
        }

        // Followed: a key mounted as a link (a Kubernetes secret) is judged by the file it names.
        var (owner, mode) = Stat(path, follow: true);
        var open = owner == CurrentUser ? GroupOrOthersAny : OthersAny;
        return (mode & open) == 0
            ? null
            : $"{setting}: private key {path} is readable or writable by {(owner == CurrentUser ? "group or others" : "others")} (mode {Convert.ToString((int)mode, 8)}, 0600 expected): chmod 600 {path}";
    }

    private static (uint Owner, UnixFileMode Mode) Stat(string path, bool follow = false)
    {
        var buffer = new byte[StatxSize];
        if (Statx(CurrentDirectory, path, follow ? 0 : NoFollow, WantModeAndOwner, buffer) != 0)
        {
            throw new IOException($"cannot stat {path}: errno {Marshal.GetLastPInvokeError()}");
        }

        // struct statx: stx_uid at byte 20, stx_mode (16 bits) at byte 28; the same on every architecture.
        var owner = MemoryMarshal.Read<uint>(buffer.AsSpan(20));
        var mode = (UnixFileMode)(MemoryMarshal.Read<ushort>(buffer.AsSpan(28)) & 0xFFF);
        return (owner, mode);
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directory, string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUser();
}
