using Farm.Bench.Servers;

namespace Farm.Bench.Tests;

public sealed class FrameReaderTests
{
    [Fact]
    public void Consume_AnySplit_CountsPayloadAndStopsAfterEndMarker()
    {
        // Two small frames, the end marker, then 3 bytes that belong to the caller.
        byte[] stream = [3, 0, 0, 0, 9, 9, 9, 1, 0, 0, 0, 9, 0, 0, 0, 0, 7, 7, 7];

        for (var split = 0; split <= stream.Length; split++)
        {
            var reader = new FrameReader();
            var consumed = reader.Consume(stream.AsSpan(0, split));
            if (!reader.Ended)
            {
                consumed += reader.Consume(stream.AsSpan(split));
            }

            Assert.True(reader.Ended);
            Assert.Equal(4, reader.Payload);
            Assert.Equal(16, consumed);
        }
    }
}
