using System.Buffers;
using Farm.Shared.Socks;

namespace Farm.Fuzz;

/// <summary>
/// Runs an incremental parser on one input as the server meets it: whole, and as one-byte segments (a
/// client may send a byte per packet), and holds it to its contract: the same answer either way, a
/// Complete consumes something and no more than it was given and is Incomplete one byte short, an
/// Invalid says why, an Incomplete consumes nothing. Any exception is a finding.
/// </summary>
internal static class IncrementalCheck
{
    public static void Run<TMessage, TError>(byte[] input, StreamParser<TMessage, TError> parse)
        where TError : struct, Enum
    {
        var whole = Parse(new ReadOnlySequence<byte>(input), parse);
        var split = Parse(OneByteSegments(input), parse);
        if (whole.Status != split.Status || whole.Consumed != split.Consumed || !EqualityComparer<TError>.Default.Equals(whole.Error, split.Error)
            || !EqualityComparer<TMessage>.Default.Equals(whole.Message, split.Message))
        {
            throw new FuzzFailure($"whole input {whole} but one-byte segments {split}");
        }

        var none = default(TError);
        switch (whole.Status)
        {
            case ParseStatus.Complete:
                if (whole.Consumed <= 0 || whole.Consumed > input.Length || !EqualityComparer<TError>.Default.Equals(whole.Error, none))
                {
                    throw new FuzzFailure($"complete with {whole.Consumed} of {input.Length} bytes consumed, error {whole.Error}");
                }

                var shorter = Parse(new ReadOnlySequence<byte>(input, 0, (int)whole.Consumed - 1), parse);
                if (shorter.Status != ParseStatus.Incomplete)
                {
                    throw new FuzzFailure($"complete at {whole.Consumed} bytes but {shorter.Status} one byte short");
                }

                break;
            case ParseStatus.Invalid when EqualityComparer<TError>.Default.Equals(whole.Error, none):
                throw new FuzzFailure("invalid without an error");
            case ParseStatus.Incomplete when whole.Consumed != 0:
                throw new FuzzFailure($"incomplete but consumed {whole.Consumed} bytes");
        }
    }

    private static Outcome<TMessage, TError> Parse<TMessage, TError>(ReadOnlySequence<byte> sequence, StreamParser<TMessage, TError> parse)
    {
        var reader = new SequenceReader<byte>(sequence);
        var status = parse(ref reader, out var message, out var error);
        return new Outcome<TMessage, TError>(status, reader.Consumed, message, error);
    }

    private static ReadOnlySequence<byte> OneByteSegments(byte[] input)
    {
        if (input.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(input.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < input.Length; i++)
        {
            last = last.Append(input.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed record Outcome<TMessage, TError>(ParseStatus Status, long Consumed, TMessage Message, TError Error);

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
