using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using BiMask;
using Dsl.Runtime.Data;
using Dsl.Runtime.Sparse;
using Dsl.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

// Bi-Mask at laptop scale: a ResNet-style CNN (2:4 and 1:4) and the DiffRate sample's ViT (2:4)
// trained dense and N:M sparse three ways: forward masks only (SR-STE), one transposable mask,
// and Bi-Mask (a backward mask N:M along permuted output channels), Bi-Mask also without its
// permutation search. Each run reports top-1, inference MACs, training MACs per step, the
// share of weights in the input-gradient product (and whether it is N:M there), and the
// gradient gap: the cosine between the parameter gradients under the method's backward and
// under forward-only's, averaged over the last epoch.
//   dotnet run -c Release [-- --data DIR | --subset] [--epochs N] [--vit-epochs N]
//                         [--seeds 0,1] [--rows cnn,cnn-bimask-24,...] [--kept-only]
// Finished runs are kept in bimask-work/, so a rerun or runs of separate rows in parallel only
// train what is missing; --kept-only trains nothing and reports the runs kept so far.
var arguments = new ProgramArguments(args);
var (epochs, vitEpochs) = (arguments.Int("--epochs", 8), arguments.Int("--vit-epochs", 10));
var seeds = arguments.IntList("--seeds", new[] { 0, 1 });
var rows = new Dictionary<string, RowSpec>
{
    ["cnn"] = new("CNN", "dense", "dense", () => new Cnn()),
    ["cnn-forward-24"] = new("CNN", "2:4", "forward", () => new CnnForward24()),
    ["cnn-transposable-24"] = new("CNN", "2:4", "transposable", () => new CnnTransposable24()),
    ["cnn-bimask-24"] = new("CNN", "2:4", "bimask", () => new CnnBimask24()),
    ["cnn-bimask-nosearch-24"] = new("CNN", "2:4", "bimask, no search", () => new CnnBimaskNoSearch24()),
    ["cnn-forward-14"] = new("CNN", "1:4", "forward", () => new CnnForward14()),
    ["cnn-transposable-14"] = new("CNN", "1:4", "transposable", () => new CnnTransposable14()),
    ["cnn-bimask-14"] = new("CNN", "1:4", "bimask", () => new CnnBimask14()),
    ["vit"] = new("ViT", "dense", "dense", () => new Vit()),
    ["vit-forward-24"] = new("ViT", "2:4", "forward", () => new VitForward24()),
    ["vit-transposable-24"] = new("ViT", "2:4", "transposable", () => new VitTransposable24()),
    ["vit-bimask-24"] = new("ViT", "2:4", "bimask", () => new VitBimask24()),
};
var chosen = arguments.List("--rows", rows.Keys);
if (chosen.FirstOrDefault(r => !rows.ContainsKey(r)) is { } unknown)
{
    Console.Error.WriteLine($"--rows: unknown row '{unknown}'; choose from {string.Join(", ", rows.Keys)}");
    return 1;
}
var work = Directory.CreateDirectory(arguments.Subset ? "bimask-work/subset" : "bimask-work").FullName;
var (train, test) = arguments.LoadFashionMnist();
Console.WriteLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images");
var testLoader = new BatchLoader(test, 500, shuffle: false);

// The same recipe for every method of a family: AdamW, cosine schedule with a warm-up epoch,
// label smoothing; the ViT also clips its gradient norm.
TrainerOptions Options(string family, long seed) => new()
{
    Epochs = family == "ViT" ? vitEpochs : epochs,
    Optimizer = new OptimizerSpec.AdamW(Lr: 2e-3, Decay: 0.05),
    Schedule = new LearningRateSchedule.Cosine(WarmupEpochs: 1),
    LabelSmoothing = 0.1,
    GradientClipNorm = family == "ViT" ? 1.0 : null,
    Seed = seed,
};

var keptOnly = arguments.Flag("--kept-only");

Run? Train(string key, int seed)
{
    var spec = rows[key];
    var path = Path.Combine(work, $"{key}-seed{seed}-{Options(spec.Family, seed).Epochs}-epochs.json");
    if (keptOnly && !File.Exists(path)) return null;
    return KeptResult.GetOrRun(path, () =>
    {
        manual_seed(seed);
        using var model = spec.Create();
        var trainer = new Trainer(Options(spec.Family, seed));
        var gap = new GradientGap(every: 50);
        if (spec.Method != "dense") trainer.Hooks.Add(gap);
        var summary = trainer.Fit(model, new BatchLoader(train, 128, shuffle: true, seed: seed, augment: Augmentations.CropAndFlip(2)), testLoader);
        var masks = model.modules().OfType<NmSparsity>().ToList();
        var kept = masks.Count == 0 ? 1 : masks.Sum(m => (m.InputGradientMask ?? m.ForwardMask).sum().item<float>()) / masks.Sum(m => m.ForwardMask.numel());
        foreach (var pattern in SparseExport.Patterns(model).Take(3)) Console.WriteLine($"  {pattern}");
        var macs = summary.Cost.Macs!.Value;
        var training = summary.Cost["TrainingMacs"] is { } t ? (long)t : 3 * macs;
        return new Run(key, seed, summary.Final.Top1, macs, training, kept, spec.Method == "dense" ? null : gap.PerEpoch[^1]);
    });
}

var results = chosen.SelectMany(key => seeds.Select(seed => Train(key, seed))).OfType<Run>().ToList();
chosen = chosen.Where(key => results.Any(r => r.Key == key)).ToList();

// The table: mean ± standard deviation over the seeds.
string Percent(double v) => (100 * v).ToString("0.00", CultureInfo.InvariantCulture);
Console.WriteLine();
Console.WriteLine($"{"network",-6} {"N:M",-6} {"method",-19} {"top-1 %",14} {"MMACs",8} {"train MMACs",12} {"backward kept",14} {"gradient gap",13}");
foreach (var key in chosen)
{
    var spec = rows[key];
    var runs = results.Where(r => r.Key == key).ToList();
    var top1 = runs.Select(r => r.Top1).ToList();
    var count = runs.Count == 1 ? " (1 seed)" : "";
    var backward = spec.Method == "dense" ? "all" : $"{runs[0].BackwardKept:P0}{(spec.Method == "forward" ? " (not N:M)" : " (N:M)")}";
    var gap = spec.Method == "dense" ? "" : runs.Average(r => r.GradientGap!.Value).ToString("0.000", CultureInfo.InvariantCulture);
    Console.WriteLine($"{spec.Family,-6} {spec.Pattern,-6} {spec.Method,-19} {Percent(top1.Average()) + " ± " + Percent(StandardDeviation(top1)),14} " +
        $"{runs[0].Macs / 1e6,8:0.00} {runs[0].TrainingMacs / 1e6,12:0.00} {backward,14} {gap,13}{count}");
}

// Paired by seed (same data order and initialization): Bi-Mask against each baseline.
Console.WriteLine();
foreach (var (family, pattern) in chosen.Select(k => (rows[k].Family, rows[k].Pattern)).Where(p => p.Pattern != "dense").Distinct())
{
    Run? Of(string method, int seed) => results.FirstOrDefault(r => rows[r.Key].Family == family && rows[r.Key].Pattern == pattern && rows[r.Key].Method == method && r.Seed == seed);
    foreach (var baseline in new[] { "transposable", "forward", "bimask, no search" })
    {
        var differences = seeds.Select(s => (Of("bimask", s), Of(baseline, s))).Where(p => p.Item1 != null && p.Item2 != null)
            .Select(p => p.Item1!.Top1 - p.Item2!.Top1).ToList();
        if (differences.Count == 0) continue;
        Console.WriteLine($"{family} {pattern}: Bi-Mask − {baseline}: {Percent(differences.Average())} ± {Percent(StandardDeviation(differences))} points over {differences.Count} seed(s)");
    }
}

// The chart: top-1 against training MACs per step, one point per row (mean over seeds).
var plot = new ScottPlot.Plot();
foreach (var family in chosen.Select(k => rows[k].Family).Distinct())
{
    var keys = chosen.Where(k => rows[k].Family == family).ToList();
    var xs = keys.Select(k => results.First(r => r.Key == k).TrainingMacs / 1e6).ToArray();
    var ys = keys.Select(k => 100 * results.Where(r => r.Key == k).Average(r => r.Top1)).ToArray();
    var points = plot.Add.ScatterPoints(xs, ys);
    points.LegendText = family;
    for (var i = 0; i < keys.Count; i++) plot.Add.Text(rows[keys[i]].Method == "dense" ? "dense" : $"{rows[keys[i]].Pattern} {rows[keys[i]].Method}", xs[i], ys[i]);
}
plot.Title("Bi-Mask at laptop scale: accuracy against training cost");
plot.XLabel("training MMACs per image and step");
plot.YLabel("top-1 %");
plot.ShowLegend(ScottPlot.Alignment.LowerRight);
plot.SavePng(arguments.Subset ? "accuracy-vs-training-macs-subset.png" : "accuracy-vs-training-macs.png", 900, 520);
return 0;

static double StandardDeviation(IReadOnlyList<double> values)
{
    if (values.Count < 2) return 0;
    var mean = values.Average();
    return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
}

/// <summary>One row of the comparison: the network, its pattern, the method, and its model.</summary>
sealed record RowSpec(string Family, string Pattern, string Method, Func<nn.Module<Tensor, Tensor>> Create);

/// <summary>One finished training run, kept as JSON.</summary>
sealed record Run(string Key, int Seed, double Top1, long Macs, long TrainingMacs, double BackwardKept, double? GradientGap);
