using System.Numerics;
using System.Text;

namespace Farm.Shared.Socks.Socks5;

/// <summary>A set of authentication methods: a 256-bit bitmap, one bit per method code, so parsing allocates nothing.</summary>
public readonly record struct Socks5MethodSet
{
    private readonly ulong _bits0;
    private readonly ulong _bits1;
    private readonly ulong _bits2;
    private readonly ulong _bits3;

    private Socks5MethodSet(ulong bits0, ulong bits1, ulong bits2, ulong bits3)
    {
        _bits0 = bits0;
        _bits1 = bits1;
        _bits2 = bits2;
        _bits3 = bits3;
    }

    public static Socks5MethodSet Empty => default;

    public bool IsEmpty => (_bits0 | _bits1 | _bits2 | _bits3) == 0;

    public int Count =>
        BitOperations.PopCount(_bits0) + BitOperations.PopCount(_bits1) +
        BitOperations.PopCount(_bits2) + BitOperations.PopCount(_bits3);

    public static Socks5MethodSet Of(params ReadOnlySpan<Socks5AuthMethod> methods)
    {
        var set = Empty;
        foreach (var method in methods)
        {
            set = set.Add(method);
        }

        return set;
    }

    internal static Socks5MethodSet FromWire(ReadOnlySpan<byte> methods)
    {
        var set = Empty;
        foreach (var method in methods)
        {
            set = set.Add((Socks5AuthMethod)method);
        }

        return set;
    }

    public bool Contains(Socks5AuthMethod method)
    {
        var code = (byte)method;
        var word = (code >> 6) switch
        {
            0 => _bits0,
            1 => _bits1,
            2 => _bits2,
            _ => _bits3,
        };
        return (word & (1UL << (code & 63))) != 0;
    }

    public Socks5MethodSet Add(Socks5AuthMethod method)
    {
        var code = (byte)method;
        var bit = 1UL << (code & 63);
        return (code >> 6) switch
        {
            0 => new Socks5MethodSet(_bits0 | bit, _bits1, _bits2, _bits3),
            1 => new Socks5MethodSet(_bits0, _bits1 | bit, _bits2, _bits3),
            2 => new Socks5MethodSet(_bits0, _bits1, _bits2 | bit, _bits3),
            _ => new Socks5MethodSet(_bits0, _bits1, _bits2, _bits3 | bit),
        };
    }

    /// <summary>"{NoAuthentication, UsernamePassword}"; codes without a name print as numbers.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("{");
        for (var code = 0; code < 256; code++)
        {
            if (Contains((Socks5AuthMethod)code))
            {
                text.Append(text.Length > 1 ? ", " : string.Empty).Append((Socks5AuthMethod)code);
            }
        }

        return text.Append('}').ToString();
    }
}
