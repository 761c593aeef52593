using System;
using System.Collections.Generic;
using System.Linq;

namespace Dsl.Runtime.MultiBit;

/// <summary>One branch a bit-width runs: its index, and whether it runs as half a branch (an odd width's last one).</summary>
public readonly record struct BranchUse(int Branch, bool Half);

/// <summary>
/// Which of MultiQuant's 2-bit branches serve each bit-width. A b-bit network runs b/2 branches,
/// and an odd b adds half of one more. With four branches (widths up to 7 or 8) the amortized
/// table spreads the activation-switching error over the branches instead of loading it all on
/// branch 0: 2 → {0}; 3 → {0} + ½·1; 4 → {1, 2}; 5 → {1, 2} + ½·3; 6 → {1, 2, 3};
/// 7 → {0, 1, 2} + ½·3; 8 → {0, 1, 2, 3}. Otherwise (fewer branches, or amortization off) the
/// branches are taken in order: b → {0 … b/2 − 1} + ½·(b/2) for an odd b.
/// </summary>
public static class BranchTable
{
    /// <summary>G = ⌈max width / 2⌉ branches.</summary>
    public static int Branches(IEnumerable<long> widths) => (int)((widths.Max() + 1) / 2);

    public static IReadOnlyList<BranchUse> For(long bits, int branches, bool amortized)
    {
        if (bits < 2 || bits > 2 * branches)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, $"{branches} branches of 2-bit weights serve 2 to {2 * branches} bits");
        if (amortized && branches == 4)
        {
            return bits switch
            {
                2 => Full(0),
                3 => Full(0).Append(new BranchUse(1, true)).ToList(),
                4 => Full(1, 2),
                5 => Full(1, 2).Append(new BranchUse(3, true)).ToList(),
                6 => Full(1, 2, 3),
                7 => Full(0, 1, 2).Append(new BranchUse(3, true)).ToList(),
                _ => Full(0, 1, 2, 3),
            };
        }
        var whole = (int)(bits / 2);
        var uses = Enumerable.Range(0, whole).Select(b => new BranchUse(b, false)).ToList();
        if (bits % 2 == 1) uses.Add(new BranchUse(whole, true));
        return uses;
    }

    /// <summary>
    /// The channels half a branch keeps of <paramref name="channels"/>: C/√2 rounded (at least 1),
    /// so that a layer whose inputs and outputs both shrink costs about half its MACs.
    /// </summary>
    public static long HalfChannels(long channels) => Math.Max(1, (long)Math.Round(channels / Math.Sqrt(2)));

    private static List<BranchUse> Full(params int[] branches) => branches.Select(b => new BranchUse(b, false)).ToList();
}
