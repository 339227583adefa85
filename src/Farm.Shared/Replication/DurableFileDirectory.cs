using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Akka.DistributedData.Durable;

namespace Farm.Shared.Replication;

/// <summary>
/// One file per durable key, replaced atomically (temp file, fsync, rename, fsync of the directory),
/// so a crash leaves either the previous complete value or the new one, never a mix.
/// </summary>
/// <remarks>
/// File layout, version 1:
/// "FDDS" | format 1 | key | serializer id | manifest | payload length | payload | SHA-256 of all before it.
/// Strings are BinaryWriter strings (7-bit length, UTF-8). The key is kept inside the file so that the
/// file name only has to be unique, not reversible. The store holds the farm's policy (users' password
/// hashes among it), so the directory is 0700 and its files 0600 whatever the umask.
/// </remarks>
internal sealed class DurableFileDirectory(string directory, Akka.Serialization.Serialization serialization)
{
    public const string Extension = ".ddata";
    public const string TempExtension = ".tmp";

    private const byte FormatVersion = 1;
    private const int MaxFileNameLength = 200;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly byte[] Magic = "FDDS"u8.ToArray();

    public string Directory { get; } = directory;

    public static string FileNameFor(string key)
    {
        // Lower-case letters, digits, '-' and '_' stay readable (farm-policy.ddata); every other UTF-8 byte
        // is escaped, so names cannot collide on case-insensitive file systems and never contain '.' or '/'.
        var name = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_')
                name.Append((char)b);
            else
                name.Append('%').Append(b.ToString("X2"));
        }
        if (name.Length > MaxFileNameLength)
            throw new ArgumentException($"Durable key is too long for a file name: {key}", nameof(key));
        return name.Append(Extension).ToString();
    }

    public void Write(string key, DurableDataEnvelope envelope)
    {
        var path = PathFor(key);
        var temp = $"{path}.{Guid.NewGuid():N}{TempExtension}";
        try
        {
            var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = FileMode;
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encode(key, envelope));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            DirectorySync.Flush(Directory);
        }
        finally
        {
            // Gone after a successful rename; after a failure, nothing half-written stays behind.
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Reads every stored value. A committed file that cannot be read is reported, not skipped silently
    /// and not deleted: it stays until a valid value for its key is written over it.
    /// </summary>
    public DurableLoad ReadAll()
    {
        CreateDirectory();
        // Temp files are writes that a crash interrupted before the rename: never committed, so dropped.
        foreach (var temp in System.IO.Directory.EnumerateFiles(Directory, "*" + TempExtension))
            File.Delete(temp);

        var entries = ImmutableDictionary.CreateBuilder<string, DurableDataEnvelope>();
        var damaged = new List<DurableStoreDamage>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension))
        {
            try
            {
                var (key, envelope) = Decode(File.ReadAllBytes(path));
                entries[key] = envelope;
            }
            catch (Exception e)
            {
                // Truncation, a bad checksum, an envelope its serializer refuses, a file this user cannot read.
                damaged.Add(new DurableStoreDamage(path, e.Message));
            }
        }
        return new DurableLoad(entries.ToImmutable(), damaged);
    }

    public string PathFor(string key) => Path.Combine(Directory, FileNameFor(key));

    private void CreateDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
            return;
        }

        System.IO.Directory.CreateDirectory(Directory, DirectoryMode);
        // Also for a directory made before the mode was set at creation, or by hand with the umask's mode.
        File.SetUnixFileMode(Directory, DirectoryMode);
    }

    private byte[] Encode(string key, DurableDataEnvelope envelope)
    {
        var serializer = serialization.FindSerializerFor(envelope);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            var payload = serializer.ToBinary(envelope);
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(key);
            writer.Write(serializer.Identifier);
            writer.Write(Akka.Serialization.Serialization.ManifestFor(serializer, envelope));
            writer.Write(payload.Length);
            writer.Write(payload);
        }
        buffer.Write(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        return buffer.ToArray();
    }

    private (string Key, DurableDataEnvelope Envelope) Decode(byte[] bytes)
    {
        var body = bytes.Length - SHA256.HashSizeInBytes;
        if (body < Magic.Length + 1
            || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)
            || !SHA256.HashData(bytes.AsSpan(0, body)).AsSpan().SequenceEqual(bytes.AsSpan(body)))
            throw new InvalidDataException($"bad header or checksum ({bytes.Length} bytes)");

        using var reader = new BinaryReader(new MemoryStream(bytes, 0, body), Encoding.UTF8);
        reader.ReadBytes(Magic.Length);
        var format = reader.ReadByte();
        if (format != FormatVersion)
            throw new InvalidDataException($"unknown format {format}");

        var key = reader.ReadString();
        var serializerId = reader.ReadInt32();
        var manifest = reader.ReadString();
        var payload = reader.ReadBytes(reader.ReadInt32());
        return (key, (DurableDataEnvelope)serialization.Deserialize(payload, serializerId, manifest));
    }
}
