using System;
using System.Collections.Generic;
using System.Linq;

namespace Dsl.Runtime.MultiBit;

/// <summary>
/// A @multibit network's widths and how it runs each: <c>multibranch</c> (MultiQuant: G 2-bit
/// branches, <see cref="BranchTable"/>) or <c>switch</c> (one set of weights re-quantized to each
/// width, the baseline MultiQuant measures against).
/// </summary>
public sealed class MultiBitWidths
{
    public MultiBitWidths(long[] bits, string method, bool amortized)
    {
        if (bits.Length == 0) throw new ArgumentException("@multibit needs at least one bit-width", nameof(bits));
        if (bits.Any(b => b is < 2 or > 8) || bits.Distinct().Count() != bits.Length)
            throw new ArgumentException($"bit-widths are distinct and between 2 and 8, not [{string.Join(", ", bits)}]", nameof(bits));
        if (method is not ("multibranch" or "switch")) throw new ArgumentException($"method is multibranch or switch, not '{method}'", nameof(method));
        Bits = bits.OrderBy(b => b).ToArray();
        Method = method;
        Amortized = amortized;
        Branches = method == "switch" ? 1 : BranchTable.Branches(Bits);
    }

    /// <summary>The widths, lowest first.</summary>
    public IReadOnlyList<long> Bits { get; }

    public string Method { get; }

    public bool Amortized { get; }

    /// <summary>Sets of weights each layer keeps: G = ⌈max/2⌉ for multibranch, 1 for switch.</summary>
    public int Branches { get; }

    public long Max => Bits[^1];

    /// <summary>Where <paramref name="bits"/> sits among the widths (each width has its own activation bounds and BatchNorm).</summary>
    public int IndexOf(long bits)
    {
        for (var i = 0; i < Bits.Count; i++)
        {
            if (Bits[i] == bits) return i;
        }
        throw new ArgumentOutOfRangeException(nameof(bits), bits, $"this model was built for {Describe()} bits, not {bits}");
    }

    /// <summary>The branches a width runs: the branch table, or the one set of weights for switch.</summary>
    public IReadOnlyList<BranchUse> Plan(long bits)
    {
        IndexOf(bits);
        return Method == "switch" ? new[] { new BranchUse(0, false) } : BranchTable.For(bits, Branches, Amortized);
    }

    /// <summary>Which weight bounds a width uses: a branch's one pair (always 2 bits), or switch's pair for this width.</summary>
    public int WeightBoundsIndex(long bits) => Method == "switch" ? IndexOf(bits) : 0;

    /// <summary>The weights' bit-width at <paramref name="bits"/>: 2 in every branch, or the width itself for switch.</summary>
    public long WeightBits(long bits) => Method == "switch" ? bits : 2;

    public string Describe() => string.Join(", ", Bits);
}
