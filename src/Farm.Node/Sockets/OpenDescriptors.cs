namespace Farm.Node.Sockets;

/// <summary>The descriptors this process holds now, counted in <c>/proc/self/fd</c>.</summary>
public static class OpenDescriptors
{
    /// <summary>Null where <c>/proc</c> cannot be read. The directory listing's own descriptor is left out.</summary>
    public static int? Count()
    {
        try
        {
            return Math.Max(0, Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() - 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
