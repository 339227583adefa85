using System.Collections.Immutable;

namespace Farm.Shared.Policy;

/// <summary>Lets collection expressions (<c>[a, b]</c>) build an <see cref="EquatableArray{T}"/>.</summary>
public static class EquatableArray
{
    public static EquatableArray<T> Create<T>(ReadOnlySpan<T> items) => new(ImmutableArray.Create(items));
}
