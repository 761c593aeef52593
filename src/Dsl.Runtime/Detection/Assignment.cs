using System;

namespace Dsl.Runtime.Detection;

/// <summary>
/// The minimum-cost assignment of a rectangular cost matrix (rows to distinct columns, as many
/// pairs as the smaller side): the Hungarian method with potentials and shortest augmenting paths
/// (Jonker–Volgenant's O(n²·m)), what DETR's matcher takes from scipy's linear_sum_assignment.
/// </summary>
public static class Assignment
{
    /// <summary>Pairs (row, column), sorted by row, minimising the sum of <paramref name="cost"/>[row, column].</summary>
    public static (int Row, int Column)[] Solve(double[,] cost)
    {
        var (rows, columns) = (cost.GetLength(0), cost.GetLength(1));
        if (rows == 0 || columns == 0) return Array.Empty<(int, int)>();
        var transposed = rows > columns;
        var (n, m) = transposed ? (columns, rows) : (rows, columns);
        double At(int i, int j) => transposed ? cost[j, i] : cost[i, j];
        for (var i = 0; i < rows; i++)
        for (var j = 0; j < columns; j++)
            if (double.IsNaN(cost[i, j]) || double.IsInfinity(cost[i, j])) throw new ArgumentException($"cost [{i}, {j}] is {cost[i, j]}; every cost must be finite", nameof(cost));

        // 1-based: u, v potentials of rows and columns, p[j] the row assigned to column j (0: none).
        var u = new double[n + 1];
        var v = new double[m + 1];
        var p = new int[m + 1];
        var way = new int[m + 1];
        for (var i = 1; i <= n; i++)
        {
            p[0] = i;
            var j0 = 0;
            var minimum = new double[m + 1];
            var used = new bool[m + 1];
            Array.Fill(minimum, double.PositiveInfinity);
            do
            {
                used[j0] = true;
                var i0 = p[j0];
                var delta = double.PositiveInfinity;
                var j1 = 0;
                for (var j = 1; j <= m; j++)
                {
                    if (used[j]) continue;
                    var reduced = At(i0 - 1, j - 1) - u[i0] - v[j];
                    if (reduced < minimum[j])
                    {
                        minimum[j] = reduced;
                        way[j] = j0;
                    }
                    if (minimum[j] < delta)
                    {
                        delta = minimum[j];
                        j1 = j;
                    }
                }
                for (var j = 0; j <= m; j++)
                {
                    if (used[j])
                    {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minimum[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do
            {
                var j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        var pairs = new System.Collections.Generic.List<(int, int)>();
        for (var j = 1; j <= m; j++)
        {
            if (p[j] == 0) continue;
            pairs.Add(transposed ? (j - 1, p[j] - 1) : (p[j] - 1, j - 1));
        }
        pairs.Sort();
        return pairs.ToArray();
    }
}
