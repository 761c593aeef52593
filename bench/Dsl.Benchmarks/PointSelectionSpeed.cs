using System.Diagnostics;
using System.Globalization;
using Dsl.Runtime.Ptq;

namespace Dsl.Benchmarks;

/// <summary>
/// DFSQ's claim about point selection: k-means (then snapping to the universal set U) grows
/// linearly with |U|, where trying every subset grows as C(|U| − 1, k − 1). Both select k points
/// for one channel of 8,192 calibration values (a ReLU's output, normalised: many zeros and a
/// long tail) from universal sets of 1 to 5 terms (|U| = 7 … 1,065), side by side in one run;
/// the exhaustive search only where its subset count stays under a limit. Reports the median
/// time of several runs and k-means' error against the optimum, and draws the curve.
/// </summary>
public static class PointSelectionSpeed
{
    private const double ExhaustiveLimit = 1e7;

    public static void Run(string chart)
    {
        var random = new Random(0);
        var values = Enumerable.Range(0, 8192).Select(_ => Math.Min(1, Math.Max(0, Gaussian(random) * 0.3))).ToArray();
        var selection = new PointSelection(values);
        string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        var plot = new ScottPlot.Plot();
        Console.WriteLine($"{"k",3} {"terms",5} {"|U|",6} {"subsets",12} {"k-means ms",11} {"exhaustive ms",14} {"k-means error / optimum",24}");
        foreach (var k in new[] { 4, 8 })
        {
            var (sizes, kmeansTimes, exhaustiveSizes, exhaustiveTimes) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
            for (var terms = 1; terms <= 5; terms++)
            {
                var universe = UniversalSet.Values(terms);
                var subsets = Choose(universe.Length - 1, Math.Min(k - 1, universe.Length - 1));
                var kmeans = Median(() => selection.KMeans(universe, k, restarts: 5, iterations: 100, seed: 1), 5, out var fast);
                var exhaustive = double.NaN;
                SelectedPoints? best = null;
                if (subsets <= ExhaustiveLimit) exhaustive = Median(() => selection.Exhaustive(universe, k), subsets < 1e5 ? 5 : 1, out best);
                sizes.Add(universe.Length);
                kmeansTimes.Add(kmeans);
                if (best is not null)
                {
                    exhaustiveSizes.Add(universe.Length);
                    exhaustiveTimes.Add(exhaustive);
                }
                var ratio = best is null ? "not run" : F(fast.Error / best.Error, "0.000");
                var exhaustiveText = best is null ? "too many" : F(exhaustive, "0.00");
                Console.WriteLine($"{k,3} {terms,5} {universe.Length,6} {F(subsets, "0.0e0"),12} {F(kmeans, "0.00"),11} {exhaustiveText,14} {ratio,24}");
            }
            var line = plot.Add.Scatter(sizes.Select(Math.Log10).ToArray(), kmeansTimes.Select(Math.Log10).ToArray());
            line.LegendText = $"k-means, k = {k}";
            var search = plot.Add.Scatter(exhaustiveSizes.Select(Math.Log10).ToArray(), exhaustiveTimes.Select(Math.Log10).ToArray());
            search.LegendText = $"exhaustive, k = {k}";
            search.LinePattern = ScottPlot.LinePattern.Dashed;
        }
        plot.Title("Point selection for one channel (8,192 values): time against |U|");
        plot.XLabel("log10 |U| (universal set of 1 to 5 terms)");
        plot.YLabel("log10 milliseconds");
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plot.SavePng(chart, 900, 520);
        Console.WriteLine($"chart: {chart}");
    }

    private static double Median(Func<SelectedPoints> run, int times, out SelectedPoints result)
    {
        result = run();
        var samples = new List<double>();
        for (var i = 0; i < times; i++)
        {
            var clock = Stopwatch.StartNew();
            result = run();
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        return samples.Order().ElementAt(samples.Count / 2);
    }

    private static double Choose(int n, int r)
    {
        double c = 1;
        for (var i = 0; i < r; i++) c = c * (n - i) / (i + 1);
        return c;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
