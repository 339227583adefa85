using System.Buffers;
using Farm.Shared.Socks;

namespace Farm.Shared.Tests.Socks;

/// <summary>The shape every incremental parser has, so one harness drives them all.</summary>
internal delegate ParseStatus SequenceParser<TValue, TError>(ref SequenceReader<byte> reader, out TValue value, out TError error);
