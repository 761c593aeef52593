using System;
using System.Collections.Generic;
using System.Linq;

namespace Dsl.Runtime.Detection;

/// <summary>A box on an image: corners (x0, y0, x1, y1) in any unit, its class, and a score (1 for a ground truth).</summary>
public sealed record LabelledBox(int Image, int Class, double X0, double Y0, double X1, double Y1, double Score = 1)
{
    public double Area => Math.Max(0, X1 - X0) * Math.Max(0, Y1 - Y0);

    public double Iou(LabelledBox other)
    {
        var w = Math.Min(X1, other.X1) - Math.Max(X0, other.X0);
        var h = Math.Min(Y1, other.Y1) - Math.Max(Y0, other.Y0);
        var intersection = Math.Max(0, w) * Math.Max(0, h);
        var union = Area + other.Area - intersection;
        return union > 0 ? intersection / union : 0;
    }
}

/// <summary>COCO's summary figures: AP over IoU 0.50:0.05:0.95, AP at 0.50 and at 0.75, and AP@[.5:.95] per class (NaN for a class with no ground truth).</summary>
public sealed record DetectionMetrics(double Ap, double Ap50, double Ap75, IReadOnlyDictionary<int, double> PerClass);

/// <summary>
/// COCO's average precision, written from its definition (cocoeval): per image and class the
/// detections, highest score first (at most <c>maxDetections</c> per image), each take the
/// unmatched ground truth they overlap most at IoU ≥ t, or are false positives; per class and
/// threshold the detections of all images, ranked by score, give precision and recall; precision
/// is made non-increasing in recall and read at the 101 recalls 0, 0.01, …, 1 (0 past the highest
/// recall reached); AP is their mean, averaged over the classes that have ground truth and over
/// the ten thresholds.
/// </summary>
public static class AveragePrecision
{
    public static readonly double[] Thresholds = Enumerable.Range(0, 10).Select(i => 0.5 + 0.05 * i).ToArray();

    public static DetectionMetrics Evaluate(IEnumerable<LabelledBox> detections, IEnumerable<LabelledBox> truths, int maxDetections = 100)
    {
        var truthList = truths.ToList();
        var kept = detections.GroupBy(d => d.Image)
            .SelectMany(g => g.OrderByDescending(d => d.Score).Take(maxDetections)).ToList();
        var classes = truthList.Select(t => t.Class).Concat(kept.Select(d => d.Class)).Distinct().OrderBy(c => c).ToList();
        // ap[class][threshold]
        var table = new Dictionary<int, double[]>();
        foreach (var c in classes)
        {
            var classTruths = truthList.Where(t => t.Class == c).ToList();
            if (classTruths.Count == 0) continue;
            var classDetections = kept.Where(d => d.Class == c).ToList();
            table[c] = Thresholds.Select(t => ClassAp(classDetections, classTruths, t)).ToArray();
        }
        if (table.Count == 0) return new DetectionMetrics(double.NaN, double.NaN, double.NaN, new Dictionary<int, double>());
        double Mean(int threshold) => table.Values.Average(a => a[threshold]);
        var perClass = classes.ToDictionary(c => c, c => table.TryGetValue(c, out var a) ? a.Average() : double.NaN);
        return new DetectionMetrics(table.Values.Average(a => a.Average()), Mean(0), Mean(5), perClass);
    }

    /// <summary>One class at one IoU threshold: the greedy matching per image, then the 101-point interpolated precision.</summary>
    internal static double ClassAp(IReadOnlyList<LabelledBox> detections, IReadOnlyList<LabelledBox> truths, double threshold)
    {
        var hits = new List<(double Score, bool TruePositive)>();
        foreach (var image in detections.Select(d => d.Image).Concat(truths.Select(t => t.Image)).Distinct().OrderBy(i => i))
        {
            var imageTruths = truths.Where(t => t.Image == image).ToList();
            var matched = new bool[imageTruths.Count];
            // Highest score first; equal scores keep their given order, as a stable sort does.
            foreach (var d in detections.Where(d => d.Image == image).OrderByDescending(d => d.Score))
            {
                var best = -1;
                var bestIou = Math.Min(threshold, 1 - 1e-10);
                for (var g = 0; g < imageTruths.Count; g++)
                {
                    if (matched[g]) continue;
                    var iou = d.Iou(imageTruths[g]);
                    if (iou < bestIou) continue;
                    (best, bestIou) = (g, iou);
                }
                if (best >= 0) matched[best] = true;
                hits.Add((d.Score, best >= 0));
            }
        }
        var ranked = hits.OrderByDescending(h => h.Score).ToList();
        var (precision, recall) = (new double[ranked.Count], new double[ranked.Count]);
        int tp = 0, fp = 0;
        for (var i = 0; i < ranked.Count; i++)
        {
            if (ranked[i].TruePositive) tp++;
            else fp++;
            precision[i] = tp / (double)(tp + fp);
            recall[i] = tp / (double)truths.Count;
        }
        for (var i = ranked.Count - 2; i >= 0; i--) precision[i] = Math.Max(precision[i], precision[i + 1]);
        double sum = 0;
        for (var k = 0; k <= 100; k++)
        {
            // numpy's linspace(0, 1, 101): k·0.01.
            var r = k * 0.01;
            var at = Array.FindIndex(recall, x => x >= r);
            if (at >= 0) sum += precision[at];
        }
        return sum / 101;
    }
}
