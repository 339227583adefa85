using System.Buffers;
using System.Net;
using CsCheck;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks4;
using static Farm.Shared.Tests.Socks.Parsing;

namespace Farm.Shared.Tests.Socks.Socks4;

public class Socks4RequestParserTests
{
    private static readonly SequenceParser<Socks4Request?, Socks4ParseError> Parser = Socks4RequestParser.TryParse;

    [Fact]
    public void TryParse_Socks4Connect_Complete()
    {
        var result = Run(Parser, Hex("04 01 0050 C0000201 626F62 00"));
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal(new Socks4Request(SocksCommand.Connect, SocksDestination.FromAddress(IPAddress.Parse("192.0.2.1"), 80), "bob"), result.Value);
        Assert.Equal(12, result.Consumed);
    }

    [Fact]
    public void TryParse_EmptyUserId_Complete()
    {
        var result = Run(Parser, Hex("04 02 0015 0A000001 00"));
        Assert.Equal(new Socks4Request(SocksCommand.Bind, SocksDestination.FromAddress(IPAddress.Parse("10.0.0.1"), 21), string.Empty), result.Value);
        Assert.Equal(9, result.Consumed);
    }

    [Fact]
    public void TryParse_Socks4a_HostAfterUserId()
    {
        var result = Run(Parser, Hex("04 01 01BB 00000001 75 00 6578616D706C652E636F6D 00"));
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal(new Socks4Request(SocksCommand.Connect, SocksDestination.FromHost("example.com", 443), "u"), result.Value);
        Assert.Equal(22, result.Consumed);
    }

    [Fact]
    public void TryParse_Socks4aMarkerAnyLastByte_Host()
    {
        var result = Run(Parser, Hex("04 01 0050 000000FF 00 61 00"));
        Assert.Equal(SocksDestination.FromHost("a", 80), result.Value!.Destination);
    }

    [Fact]
    public void TryParse_AllZeroAddress_PlainSocks4()
    {
        var result = Run(Parser, Hex("04 01 0050 00000000 00 61 00"), out var unread);
        Assert.Equal(SocksDestination.FromAddress(IPAddress.Any, 80), result.Value!.Destination);
        Assert.Equal(Hex("61 00"), unread);
    }

    [Fact]
    public void TryParse_MaximalUserIdAndHost_Complete()
    {
        var host = string.Join('.', Enumerable.Repeat(new string('h', 63), 4));
        byte[] input = [0x04, 0x01, 0x00, 0x50, 0, 0, 0, 1, .. Enumerable.Repeat((byte)'u', 255), 0, .. System.Text.Encoding.ASCII.GetBytes(host), 0];
        var result = Run(Parser, input);
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal(new string('u', 255), result.Value!.UserId);
        Assert.Equal(host, result.Value.Destination.Host);
        Assert.Equal(Socks4RequestParser.MaxLength, result.Consumed);
    }

    [Fact]
    public void TryParse_NonUtf8UserId_DecodedWithoutThrowing()
    {
        var result = Run(Parser, Hex("04 01 0050 01020304 FF 00"));
        Assert.Equal("\uFFFD", result.Value!.UserId);
    }

    [Fact]
    public void TryParse_TrailingBytes_LeftUnread()
    {
        var result = Run(Parser, Hex("04 01 0050 01020304 00 474554"), out var unread);
        Assert.Equal(ParseStatus.Complete, result.Status);
        Assert.Equal(Hex("474554"), unread);
    }

    [Theory]
    [InlineData("")]
    [InlineData("04")]
    [InlineData("04 01 0050 010203")]
    [InlineData("04 01 0050 01020304")]
    [InlineData("04 01 0050 01020304 6162")]
    [InlineData("04 01 0050 00000001 00")]
    [InlineData("04 01 0050 00000001 00 6162")]
    public void TryParse_Truncated_IncompleteNothingConsumed(string hex)
    {
        var result = Run(Parser, Hex(hex));
        Assert.Equal((ParseStatus.Incomplete, 0L), (result.Status, result.Consumed));
    }

    [Theory]
    [InlineData("05 01 0050 01020304 00", Socks4ParseError.BadVersion)]
    [InlineData("05", Socks4ParseError.BadVersion)]
    [InlineData("04 03 0050 01020304 00", Socks4ParseError.UnknownCommand)]
    [InlineData("04 00", Socks4ParseError.UnknownCommand)]
    [InlineData("04 01 0050 00000001 00 00", Socks4ParseError.EmptyHost)]
    [InlineData("04 01 0050 00000001 00 612062 00", Socks4ParseError.BadHost)]
    [InlineData("04 01 0050 00000001 00 61E962 00", Socks4ParseError.BadHost)]
    public void TryParse_Malformed_Invalid(string hex, Socks4ParseError error)
    {
        var result = Run(Parser, Hex(hex));
        Assert.Equal((ParseStatus.Invalid, error), (result.Status, result.Error));
        Assert.Null(result.Value);
    }

    [Fact]
    public void TryParse_256ByteUserIdWithoutNul_UserIdTooLong()
    {
        byte[] input = [0x04, 0x01, 0x00, 0x50, 1, 2, 3, 4, .. Enumerable.Repeat((byte)'u', 256)];
        var result = Run(Parser, input);
        Assert.Equal((ParseStatus.Invalid, Socks4ParseError.UserIdTooLong), (result.Status, result.Error));
    }

    [Fact]
    public void TryParse_255ByteUserIdNulPending_Incomplete()
    {
        byte[] input = [0x04, 0x01, 0x00, 0x50, 1, 2, 3, 4, .. Enumerable.Repeat((byte)'u', 255)];
        Assert.Equal(ParseStatus.Incomplete, Run(Parser, input).Status);
    }

    [Fact]
    public void TryParse_256ByteHostWithoutNul_HostTooLong()
    {
        byte[] input = [0x04, 0x01, 0x00, 0x50, 0, 0, 0, 1, 0x00, .. Enumerable.Repeat((byte)'h', 256)];
        var result = Run(Parser, input);
        Assert.Equal((ParseStatus.Invalid, Socks4ParseError.HostTooLong), (result.Status, result.Error));
    }

    [Fact]
    public void TryParse_255ByteHostNulPending_Incomplete()
    {
        byte[] input = [0x04, 0x01, 0x00, 0x50, 0, 0, 0, 1, .. Enumerable.Repeat((byte)'u', 255), 0x00, .. Enumerable.Repeat((byte)'h', 255)];
        Assert.Equal(ParseStatus.Incomplete, Run(Parser, input).Status);
    }

    [Fact]
    public void TryParse_64KUserIdWithoutNul_InvalidAfterReadingAtMost264Bytes()
    {
        var touched = new TouchCounter();
        var input = touched.OneBytePerSegment(64 * 1024, index => index switch
        {
            0 => 0x04,
            1 => 0x01,
            < 8 => 0x01,
            _ => (byte)'x',
        });
        var reader = new SequenceReader<byte>(input);

        var status = Socks4RequestParser.TryParse(ref reader, out var request, out var error);

        Assert.Equal((ParseStatus.Invalid, Socks4ParseError.UserIdTooLong), (status, error));
        Assert.Null(request);
        Assert.InRange(touched.Count, 1, 8 + Socks4RequestParser.MaxUserIdLength + 1);
    }

    [Fact]
    public void TryParse_Socks4AnySplit_SameAsOneShot() =>
        Gen.Select(WireGen.Socks4Request, WireGen.Trailing, WireGen.MultiSplits)
            .Sample((m, t, s) => AssertIncrementalAgrees(Parser, m.Wire, m.Expected, t, s), iter: 200);

    [Fact]
    public void TryParse_Socks4aAnySplit_SameAsOneShot() =>
        Gen.Select(WireGen.Socks4aRequest, WireGen.Trailing, WireGen.MultiSplits)
            .Sample((m, t, s) => AssertIncrementalAgrees(Parser, m.Wire, m.Expected, t, s), iter: 200);

    /// <summary>Counts the bytes a parser reads: each byte is its own segment whose memory reports when it is touched.</summary>
    private sealed class TouchCounter
    {
        public int Count { get; private set; }

        public ReadOnlySequence<byte> OneBytePerSegment(int length, Func<int, byte> content)
        {
            var first = new Segment(new CountingMemory(this, content(0)).Untouched, 0);
            var last = first;
            for (var i = 1; i < length; i++)
            {
                last = last.Append(new CountingMemory(this, content(i)).Untouched);
            }

            return new ReadOnlySequence<byte>(first, 0, last, 1);
        }

        private sealed class CountingMemory(TouchCounter counter, byte value) : MemoryManager<byte>
        {
            private readonly byte[] _value = [value];
            private bool _touched;

            /// <summary>Unlike <see cref="MemoryManager{T}.Memory"/>, does not call <see cref="GetSpan"/>.</summary>
            public Memory<byte> Untouched => CreateMemory(1);

            public override Span<byte> GetSpan()
            {
                if (!_touched)
                {
                    _touched = true;
                    counter.Count++;
                }

                return _value;
            }

            public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

            public override void Unpin() => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
            }
        }

        private sealed class Segment : ReadOnlySequenceSegment<byte>
        {
            public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
            {
                Memory = memory;
                RunningIndex = runningIndex;
            }

            public Segment Append(ReadOnlyMemory<byte> memory)
            {
                var next = new Segment(memory, RunningIndex + 1);
                Next = next;
                return next;
            }
        }
    }
}
