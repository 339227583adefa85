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

    private static (uint Owner, UnixFileMode Mode) Stat(string path)
    {
        var buffer = new byte[StatxSize];
        if (Statx(CurrentDirectory, path, NoFollow, WantModeAndOwner, buffer) != 0)
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
