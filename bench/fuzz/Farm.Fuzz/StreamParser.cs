using System.Buffers;
using Farm.Shared.Socks;

namespace Farm.Fuzz;

/// <summary>The shape every incremental SOCKS parser shares: it reads from a sequence and consumes only a whole message.</summary>
internal delegate ParseStatus StreamParser<TMessage, TError>(ref SequenceReader<byte> reader, out TMessage message, out TError error);
