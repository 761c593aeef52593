using System;
using System.Linq;

namespace Dsl.Runtime;

/// <summary>
/// A size argument written as one int or one per spatial dimension (kernel: 3, kernel: [3, 5]),
/// as PyTorch's int-or-tuple arguments.
/// </summary>
public readonly struct Sizes
{
    private readonly long[]? _values;

    public Sizes(params long[] values) => _values = values;

    public static implicit operator Sizes(long value) => new(value);

    public static implicit operator Sizes(long[] values) => new(values);

    /// <summary>How many sizes were written (0 when left out).</summary>
    public int Count => _values?.Length ?? 0;

    /// <summary>Left out (the default value): the caller's fallback applies.</summary>
    public bool IsDefault => _values == null;

    /// <summary>One entry per dimension; a single value is repeated.</summary>
    public long[] For(int rank, long fallback)
    {
        if (_values == null) return Enumerable.Repeat(fallback, rank).ToArray();
        if (_values.Length == 1) return Enumerable.Repeat(_values[0], rank).ToArray();
        if (_values.Length != rank) throw new ArgumentException($"expected 1 or {rank} sizes but got {_values.Length}");
        return _values;
    }
}
