using System.Security.Cryptography;

namespace Farm.Node.Tests.Support;

/// <summary>Deterministic file contents by size, so every byte a client receives can be checked.</summary>
public static class TestContent
{
    public static byte[] Bytes(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }

    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes));
}
