using System;
using System.Collections.Generic;
using System.Linq;

namespace Dsl.Runtime.Dynamic;

/// <summary>
/// DDA's routing: patches ranked by their moiré prior and split into as many equal groups as
/// there are widths, the simplest group at the narrowest width and the most complex at the
/// widest (6 patches on 3 widths: the 2 simplest at the first, the next 2 at the second, the top
/// 2 at the third). Ties keep the patches' order.
/// </summary>
public static class WidthRouting
{
    /// <summary>The width of each patch, in the patches' order.</summary>
    public static double[] Assign(IReadOnlyList<double> scores, IReadOnlyList<double> widths)
    {
        if (widths.Count == 0) throw new ArgumentException("routing needs at least one width", nameof(widths));
        var ordered = widths.OrderBy(w => w).ToList();
        var ranked = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ThenBy(i => i).ToList();
        var result = new double[scores.Count];
        for (var rank = 0; rank < ranked.Count; rank++)
            result[ranked[rank]] = ordered[(int)((long)rank * ordered.Count / ranked.Count)];
        return result;
    }
}
