using System.Collections.Generic;
using System.Linq;

namespace Dsl.Parser.Methods;

/// <summary>A @ptq annotation's settings (see <see cref="PtqAnnotation"/>).</summary>
public sealed record PtqSettings(string Method, long W, long A, long Samples, long Restarts, long Iterations, long Terms, long Shift, double Percentile)
{
    /// <summary>
    /// How many values DFSQ's universal set holds: the distinct (b₁ + … + bₙ)/n with
    /// bᵢ ∈ {0, 2^−i, 2^−(i+shift), 1} and their negatives (377 for 4 terms, shift 4). The runtime
    /// builds the set itself; a contract test holds the two to one count.
    /// </summary>
    public static int UniversalSetSize(long terms, long shift)
    {
        // Counted in units of 2^-(terms + shift), where every sum is a whole number.
        var unit = 1L << (int)(terms + shift);
        var sums = new HashSet<long> { 0 };
        for (var i = 1; i <= terms; i++)
        {
            var choices = new[] { 0, unit >> i, unit >> (int)(i + shift), unit };
            sums = new HashSet<long>(sums.SelectMany(s => choices.Select(c => s + c)));
        }
        return 2 * sums.Count - 1;
    }
}
