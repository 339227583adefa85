using Google.Protobuf;

namespace Farm.Shared.Cluster.Tls;

/// <summary>Reads single fields of a protobuf message without its generated type (Akka's are internal). Pure.</summary>
public static class ProtoFields
{
    /// <summary>Every occurrence of embedded message field <paramref name="number"/>, concatenated: protobuf's merge.</summary>
    public static ByteString Merged(ByteString message, int number)
    {
        List<ByteString>? parts = null;
        var input = message.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                (parts ??= []).Add(input.ReadBytes());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return parts switch
        {
            null => ByteString.Empty,
            [var only] => only,
            _ => ByteString.CopyFrom([.. parts.SelectMany(p => p.ToByteArray())]),
        };
    }

    /// <summary>The last occurrence of length-delimited scalar field <paramref name="number"/> (bytes or string), or null.</summary>
    public static ByteString? Scalar(ByteString message, int number)
    {
        ByteString? found = null;
        var input = message.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found = input.ReadBytes();
            }
            else
            {
                input.SkipLastField();
            }
        }

        return found;
    }

    /// <summary>The last occurrence of varint field <paramref name="number"/>, or 0 (proto3's default).</summary>
    public static ulong Varint(ByteString message, int number)
    {
        var found = 0UL;
        var input = message.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint)
            {
                found = input.ReadUInt64();
            }
            else
            {
                input.SkipLastField();
            }
        }

        return found;
    }
}
