using Farm.Shared.Socks;

namespace Farm.Shared.Tests.Socks;

internal readonly record struct ParseResult<TValue, TError>(ParseStatus Status, TValue Value, TError Error, long Consumed);
