using System;
using System.Collections.Generic;
using System.Linq;

namespace Dsl.Runtime.Ptq;

/// <summary>The points a channel quantizes to, ascending (0 among them, each a member of the universal set), and their squared error on the calibration values.</summary>
public sealed record SelectedPoints(double[] Points, double Error);

/// <summary>
/// Choosing a channel's k points from the universal set U to fit its calibration values, with
/// the squared error Σ (x − nearest point)² as the measure. <see cref="KMeans"/> is DFSQ's fast
/// selection: k-means with one centre pinned at 0, each centre then snapped to its nearest
/// member of U, the best of several restarts; its cost grows linearly with |U|.
/// <see cref="Exhaustive"/> tries every subset of U holding 0, which grows as C(|U| − 1, k − 1):
/// the optimum, for checking the fast one where it finishes.
/// </summary>
public sealed class PointSelection
{
    private readonly double[] _values;
    private readonly double[] _sum;
    private readonly double[] _squares;

    /// <summary>Prepares <paramref name="values"/> (sorted once, with running sums, so any set of points is scored in O(k log n)).</summary>
    public PointSelection(IEnumerable<double> values)
    {
        _values = values.ToArray();
        if (_values.Length == 0) throw new ArgumentException("point selection needs calibration values", nameof(values));
        Array.Sort(_values);
        _sum = new double[_values.Length + 1];
        _squares = new double[_values.Length + 1];
        for (var i = 0; i < _values.Length; i++)
        {
            _sum[i + 1] = _sum[i] + _values[i];
            _squares[i + 1] = _squares[i] + _values[i] * _values[i];
        }
    }

    /// <summary>Σ over the values of the squared distance to the nearest of <paramref name="points"/> (ascending).</summary>
    public double Error(IReadOnlyList<double> points)
    {
        double error = 0;
        var start = 0;
        for (var j = 0; j < points.Count; j++)
        {
            var end = j + 1 < points.Count ? LowerBound((points[j] + points[j + 1]) / 2) : _values.Length;
            error += ClusterError(start, end, points[j]);
            start = end;
        }
        return error;
    }

    /// <summary>
    /// DFSQ's selection: for each of <paramref name="restarts"/> runs, k-means from 0 and k − 1
    /// distinct nonzero calibration values drawn at random (0 stays put), at most
    /// <paramref name="iterations"/> rounds; then every centre moves to its nearest member of
    /// <paramref name="universe"/> (ascending, holding 0). The run whose points fit best wins.
    /// </summary>
    public SelectedPoints KMeans(double[] universe, int k, int restarts, int iterations, int seed)
    {
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), k, "point selection needs at least 2 points");
        var random = new Random(seed);
        var candidates = _values.Where(v => v != 0).Distinct().ToArray();
        SelectedPoints? best = null;
        for (var r = 0; r < Math.Max(1, restarts); r++)
        {
            var free = candidates.OrderBy(_ => random.Next()).Take(k - 1).ToList();
            var centres = free.Append(0.0).OrderBy(c => c).ToArray();
            for (var round = 0; round < iterations; round++)
            {
                if (!Step(centres)) break;
            }
            var snapped = centres.Select(c => UniversalSet.Nearest(universe, c)).Append(0.0).Distinct().OrderBy(p => p).ToArray();
            var error = Error(snapped);
            if (best is null || error < best.Error) best = new SelectedPoints(snapped, error);
        }
        return best!;
    }

    /// <summary>The best set of at most <paramref name="k"/> points from <paramref name="universe"/> holding 0, by trying every one.</summary>
    public SelectedPoints Exhaustive(double[] universe, int k)
    {
        var others = universe.Where(u => u != 0).ToArray();
        var chosen = new List<double>();
        SelectedPoints? best = null;
        void Choose(int from, int left)
        {
            if (left == 0)
            {
                var points = chosen.Append(0.0).OrderBy(p => p).ToArray();
                var error = Error(points);
                if (best is null || error < best.Error) best = new SelectedPoints(points, error);
                return;
            }
            // Another point never adds error, so only full sets need trying.
            if (others.Length - from < left) return;
            chosen.Add(others[from]);
            Choose(from + 1, left - 1);
            chosen.RemoveAt(chosen.Count - 1);
            Choose(from + 1, left);
        }
        Choose(0, Math.Min(k - 1, others.Length));
        return best!;
    }

    /// <summary>One k-means round on ascending <paramref name="centres"/>: each nonzero centre moves to the mean of the values nearest it. False when none moved.</summary>
    private bool Step(double[] centres)
    {
        var moved = false;
        var start = 0;
        for (var j = 0; j < centres.Length; j++)
        {
            var end = j + 1 < centres.Length ? LowerBound((centres[j] + centres[j + 1]) / 2) : _values.Length;
            if (centres[j] != 0 && end > start)
            {
                var mean = (_sum[end] - _sum[start]) / (end - start);
                if (mean != centres[j])
                {
                    centres[j] = mean;
                    moved = true;
                }
            }
            start = end;
        }
        // Each mean lies between its neighbours' midpoints, so the centres stay ascending.
        return moved;
    }

    private double ClusterError(int start, int end, double point)
    {
        var n = end - start;
        if (n == 0) return 0;
        var error = _squares[end] - _squares[start] - 2 * point * (_sum[end] - _sum[start]) + n * point * point;
        return Math.Max(0, error);
    }

    /// <summary>The first index whose value is ≥ <paramref name="x"/>.</summary>
    private int LowerBound(double x)
    {
        int lo = 0, hi = _values.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (_values[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
