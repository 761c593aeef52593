using System.Collections.Generic;
using System.Linq;

namespace Dsl.Parser.Methods;

/// <summary>
/// A @multibit annotation's settings: the widths (lowest first), the method (multibranch:
/// MultiQuant's 2-bit branches; switch: one set of weights re-quantized to each width), whether
/// the branch table is amortized, and whether the lower widths learn from the highest (in-place distillation).
/// </summary>
public sealed record MultiBitSettings(IReadOnlyList<long> Bits, string Method, bool Amortized, bool Distill)
{
    public bool Switch => Method == "switch";

    /// <summary>Sets of weights each layer keeps: ⌈max/2⌉ branches, or one for switch.</summary>
    public int Branches => Switch ? 1 : (int)((Bits.Max() + 1) / 2);

    /// <summary>The weights' bits at a width: 2 in every branch, or the width for switch.</summary>
    public long WeightBits(long bits) => Switch ? bits : 2;

    /// <summary>
    /// The branches a width runs, as whole branches and whether half of one more: b/2 and b odd
    /// (which branches, amortized or in order, does not change the count); one for switch.
    /// </summary>
    public (long Whole, bool Half) Runs(long bits) => Switch ? (1, false) : (bits / 2, bits % 2 == 1);

    /// <summary>The channels half a branch keeps: C/√2 rounded, at least 1 (as the runtime's BranchTable).</summary>
    public static long HalfChannels(long channels) => System.Math.Max(1, (long)System.Math.Round(channels / System.Math.Sqrt(2)));
}
