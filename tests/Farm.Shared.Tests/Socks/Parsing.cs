using System.Buffers;
using Farm.Shared.Socks;

namespace Farm.Shared.Tests.Socks;

internal static class Parsing
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty));

    /// <summary>One segment per chunk, as a pipe hands over bytes that arrived in several reads.</summary>
    public static ReadOnlySequence<byte> Segmented(IReadOnlyList<ReadOnlyMemory<byte>> chunks)
    {
        if (chunks.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(chunks[0], 0);
        var last = first;
        foreach (var chunk in chunks.Skip(1))
        {
            last = last.Append(chunk);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    public static ParseResult<TValue, TError> Run<TValue, TError>(SequenceParser<TValue, TError> parser, ReadOnlySequence<byte> input, out byte[] unread)
    {
        var reader = new SequenceReader<byte>(input);
        var status = parser(ref reader, out var value, out var error);
        unread = reader.UnreadSequence.ToArray();
        return new ParseResult<TValue, TError>(status, value, error, reader.Consumed);
    }

    public static ParseResult<TValue, TError> Run<TValue, TError>(SequenceParser<TValue, TError> parser, byte[] input, out byte[] unread) =>
        Run(parser, new ReadOnlySequence<byte>(input), out unread);

    public static ParseResult<TValue, TError> Run<TValue, TError>(SequenceParser<TValue, TError> parser, byte[] input) =>
        Run(parser, input, out _);

    /// <summary>
    /// Feeds <paramref name="input"/> cut at <paramref name="cuts"/> the way the node does: after each chunk, parse the
    /// accumulated bytes from the start. Returns the first result that is not Incomplete (or the last one) and how many
    /// bytes had arrived by then.
    /// </summary>
    public static (ParseResult<TValue, TError> Result, int Received, byte[] Unread) Feed<TValue, TError>(
        SequenceParser<TValue, TError> parser, byte[] input, IEnumerable<int> cuts)
    {
        var bounds = cuts.Append(input.Length).Order().ToList();
        var chunks = new List<ReadOnlyMemory<byte>>();
        var start = 0;
        ParseResult<TValue, TError> result = default;
        byte[] unread = [];
        foreach (var end in bounds)
        {
            chunks.Add(input.AsMemory(start, end - start));
            start = end;
            result = Run(parser, Segmented(chunks), out unread);
            if (result.Status != ParseStatus.Incomplete)
            {
                return (result, end, unread);
            }

            Assert.Equal(0, result.Consumed);
            Assert.Equal(input[..end], unread);
        }

        return (result, input.Length, unread);
    }

    /// <summary>
    /// A valid message followed by unrelated bytes: one-shot parsing yields <paramref name="expected"/> and leaves the
    /// trailing bytes; so does feeding it split at every point, byte by byte, and at the given multi-splits.
    /// </summary>
    public static void AssertIncrementalAgrees<TValue, TError>(
        SequenceParser<TValue, TError> parser, byte[] message, TValue expected, byte[] trailing, IEnumerable<int[]> multiSplits)
    {
        byte[] input = [.. message, .. trailing];
        var oneShot = Run(parser, input, out var unread);
        Assert.Equal(ParseStatus.Complete, oneShot.Status);
        Assert.Equal(expected, oneShot.Value);
        Assert.Equal(message.Length, oneShot.Consumed);
        Assert.Equal(trailing, unread);

        for (var split = 0; split <= input.Length; split++)
        {
            AssertFedAgrees(parser, input, message.Length, oneShot, [split]);
        }

        AssertFedAgrees(parser, input, message.Length, oneShot, Enumerable.Range(1, input.Length));
        foreach (var cuts in multiSplits)
        {
            AssertFedAgrees(parser, input, message.Length, oneShot, cuts.Select(c => c % (input.Length + 1)));
        }
    }

    private static void AssertFedAgrees<TValue, TError>(
        SequenceParser<TValue, TError> parser, byte[] input, int messageLength, ParseResult<TValue, TError> oneShot, IEnumerable<int> cuts)
    {
        var bounds = cuts.ToList();
        var (result, received, unread) = Feed(parser, input, bounds);
        Assert.Equal(oneShot, result);
        var expectedReceived = bounds.Append(input.Length).Where(b => b >= messageLength).Min();
        Assert.Equal(expectedReceived, received);
        Assert.Equal(input[messageLength..received], unread);
    }

    /// <summary>
    /// Whatever the bytes: no exception, Incomplete consumes nothing, Complete consumes a prefix and leaves the rest,
    /// Invalid names an error, and the outcome does not depend on how the bytes were split.
    /// </summary>
    public static ParseResult<TValue, TError> AssertWellBehaved<TValue, TError>(SequenceParser<TValue, TError> parser, byte[] input, int cut)
    {
        var result = Run(parser, input, out var unread);
        switch (result.Status)
        {
            case ParseStatus.Incomplete:
                Assert.Equal(0, result.Consumed);
                Assert.Equal(input, unread);
                break;
            case ParseStatus.Complete:
                Assert.Equal(default, result.Error);
                Assert.InRange(result.Consumed, 1, input.Length);
                Assert.Equal(input[(int)result.Consumed..], unread);
                break;
            case ParseStatus.Invalid:
                Assert.NotEqual(default, result.Error);
                break;
            default:
                Assert.Fail($"Unexpected status {result.Status}");
                break;
        }

        cut = Math.Clamp(cut, 0, input.Length);
        var split = Run(parser, Segmented([input.AsMemory(0, cut), input.AsMemory(cut)]), out _);
        if (result.Status == ParseStatus.Invalid)
        {
            Assert.Equal((result.Status, result.Error), (split.Status, split.Error));
        }
        else
        {
            Assert.Equal(result, split);
        }

        return result;
    }

    /// <summary>
    /// Parsing every prefix of <paramref name="input"/> gives Incomplete up to some length and one fixed outcome from
    /// there on: more bytes never change a verdict.
    /// </summary>
    public static void AssertPrefixesSettle<TValue, TError>(SequenceParser<TValue, TError> parser, byte[] input)
    {
        ParseResult<TValue, TError>? settled = null;
        for (var length = 0; length <= input.Length; length++)
        {
            var result = Run(parser, input[..length]);
            if (settled is { } verdict)
            {
                Assert.Equal(verdict.Status, result.Status);
                Assert.Equal(verdict.Error, result.Error);
                Assert.Equal(verdict.Consumed, result.Consumed);
                if (verdict.Status == ParseStatus.Complete)
                {
                    Assert.Equal(verdict.Value, result.Value);
                }
            }
            else if (result.Status != ParseStatus.Incomplete)
            {
                settled = result;
            }
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
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
