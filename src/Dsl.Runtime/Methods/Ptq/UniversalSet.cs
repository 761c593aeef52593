using System;
using System.Collections.Generic;
using System.Linq;

namespace Dsl.Runtime.Ptq;

/// <summary>
/// DFSQ's universal set: every value (b₁ + … + bₙ)/n with bᵢ ∈ {0, 2^−i, 2^−(i+shift), 1}, and
/// its negative. Each is a sum of a few powers of two, cheap to multiply by in hardware. With
/// n = 4 terms and shift 4 it holds 377 values in [−1, 1]; every point a channel selects is one.
/// </summary>
public static class UniversalSet
{
    /// <summary>The set's values, ascending, without repeats.</summary>
    public static double[] Values(int terms = 4, int shift = 4)
    {
        if (terms is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(terms), terms, "the universal set takes 1 to 8 terms");
        if (shift is < 1 or > 16) throw new ArgumentOutOfRangeException(nameof(shift), shift, "the universal set's shift runs from 1 to 16");
        var sums = new HashSet<double> { 0 };
        for (var i = 1; i <= terms; i++)
        {
            var choices = new[] { 0, Math.Pow(2, -i), Math.Pow(2, -(i + shift)), 1 };
            sums = sums.SelectMany(s => choices.Select(c => s + c)).ToHashSet();
        }
        // Sums of powers of two down to 2^-(terms+shift) are exact in double precision, so equal values compare equal.
        return sums.Select(s => s / terms).SelectMany(v => new[] { v, -v }).Distinct().OrderBy(v => v).ToArray();
    }

    /// <summary>The member of <paramref name="sorted"/> nearest to <paramref name="x"/> (the lower one on a tie).</summary>
    public static double Nearest(double[] sorted, double x)
    {
        var i = Array.BinarySearch(sorted, x);
        if (i >= 0) return sorted[i];
        var above = ~i;
        if (above == 0) return sorted[0];
        if (above == sorted.Length) return sorted[^1];
        return x - sorted[above - 1] <= sorted[above] - x ? sorted[above - 1] : sorted[above];
    }
}
