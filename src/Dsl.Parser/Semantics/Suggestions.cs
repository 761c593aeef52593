using System;
using System.Collections.Generic;
using System.Linq;

namespace Dsl.Parser.Semantics;

/// <summary>"did you mean" for misspelt names: the closest candidate within a small edit distance.</summary>
public static class Suggestions
{
    /// <summary>Longer names are not misspellings of anything; the bound keeps the comparison linear in the file.</summary>
    private const int MaxLength = 64;

    public static string DidYouMean(string name, IEnumerable<string> candidates)
    {
        if (name.Length > MaxLength) return "";
        var limit = Math.Max(1, Math.Min(3, name.Length / 3));
        var best = candidates
            .Where(c => Math.Abs(c.Length - name.Length) <= limit)
            .Select(c => (c, d: Distance(name.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(x => x.d <= limit)
            .OrderBy(x => x.d).ThenBy(x => x.c, StringComparer.Ordinal)
            .Select(x => x.c)
            .FirstOrDefault();
        return best == null ? "" : $"; did you mean '{best}'?";
    }

    // Optimal string alignment distance: a swap of two neighbours counts as one edit.
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
