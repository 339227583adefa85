using System.Buffers.Binary;
using System.Text;

namespace Farm.Node.Authentication;

/// <summary>
/// Reads the principal names out of an MIT keytab (format 0x0502), without the keys. The GSSAPI acceptor
/// accepts a ticket for any principal whose keys the keytab holds, so the node checks at start that it
/// holds the configured service principal and nothing else.
/// </summary>
public static class KeytabPrincipals
{
    private const ushort FormatVersion2 = 0x0502;

    /// <summary>The distinct principals as <c>component/component@REALM</c>; null with an error when the bytes are not a keytab.</summary>
    public static IReadOnlyList<string>? Read(ReadOnlySpan<byte> keytab, out string? error)
    {
        error = null;
        if (keytab.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(keytab) != FormatVersion2)
        {
            error = "not an MIT keytab (version 0x0502)";
            return null;
        }

        var names = new List<string>();
        var at = 2;
        while (at < keytab.Length)
        {
            if (keytab.Length - at < 4)
            {
                error = $"truncated entry length at offset {at}";
                return null;
            }

            var size = BinaryPrimitives.ReadInt32BigEndian(keytab[at..]);
            at += 4;
            var length = size == int.MinValue ? -1 : Math.Abs(size);
            if (length < 0 || length > keytab.Length - at)
            {
                error = $"entry at offset {at - 4} runs past the end";
                return null;
            }

            // A negative size marks a deleted entry, a hole of that many bytes.
            if (size > 0)
            {
                if (ReadName(keytab.Slice(at, length)) is not { } name)
                {
                    error = $"malformed entry at offset {at - 4}";
                    return null;
                }

                if (!names.Contains(name, StringComparer.Ordinal))
                {
                    names.Add(name);
                }
            }

            at += length;
        }

        return names;
    }

    private static string? ReadName(ReadOnlySpan<byte> entry)
    {
        if (entry.Length < 2)
        {
            return null;
        }

        int components = BinaryPrimitives.ReadUInt16BigEndian(entry);
        var at = 2;
        if (ReadCounted(entry, ref at) is not { } realm)
        {
            return null;
        }

        var parts = new string[components];
        for (var i = 0; i < components; i++)
        {
            if (ReadCounted(entry, ref at) is not { } part)
            {
                return null;
            }

            parts[i] = part;
        }

        return components == 0 ? null : $"{string.Join('/', parts)}@{realm}";
    }

    private static string? ReadCounted(ReadOnlySpan<byte> entry, ref int at)
    {
        if (entry.Length - at < 2)
        {
            return null;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(entry[at..]);
        at += 2;
        if (entry.Length - at < length)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(entry.Slice(at, length));
        at += length;
        return text;
    }
}
