using System.Buffers;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;
using static Farm.Shared.Tests.Socks.Parsing;

namespace Farm.Shared.Tests.Socks.Socks5;

public class Socks5AllocationTests
{
    [Fact]
    public void GreetingParser_SplitAcrossSegments_AllocatesNothing()
    {
        var input = Segmented([Hex("05 03 00").AsMemory(), Hex("01 02 05 01").AsMemory()]);
        Parse(input);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var status = Parse(input);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(0, allocated);

        static ParseStatus Parse(ReadOnlySequence<byte> input)
        {
            var reader = new SequenceReader<byte>(input);
            return Socks5GreetingParser.TryParse(ref reader, out _, out _);
        }
    }

    [Fact]
    public void RequestParser_Incomplete_AllocatesNothing()
    {
        var input = Segmented([Hex("05 01 00 03 0B 6578616D").AsMemory(), Hex("706C652E636F6D 01").AsMemory()]);
        Parse(input);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var status = Parse(input);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(ParseStatus.Incomplete, status);
        Assert.Equal(0, allocated);

        static ParseStatus Parse(ReadOnlySequence<byte> input)
        {
            var reader = new SequenceReader<byte>(input);
            return Socks5RequestParser.TryParse(ref reader, out _, out _);
        }
    }
}
