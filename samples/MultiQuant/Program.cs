using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Dsl.Runtime;
using Dsl.Runtime.Data;
using Dsl.Runtime.MultiBit;
using Dsl.Runtime.Training;
using Dsl.Runtime.Weights;
using MultiQuant;
using static TorchSharp.torch;

// MultiQuant at laptop scale: one ResNet-style CNN trained once to run at 2 to 8 bits, against
// one set of weights re-quantized to each width (switching), against LSQ models trained for one
// width each (fine-tuned from the full-precision network, the Quantized sample's recipe), and
// full precision; with two ablations (branches taken in order, no in-place distillation). Each
// run reports top-1 at every width it runs, its training time, and for the multi-bit networks
// the weight quantization error per width: Σ (w − w̃)² / Σ w² over the weights a width runs, w̃
// each quantized weight mapped back into its branch's range.
//   dotnet run -c Release [-- --data DIR | --subset] [--epochs 3] [--lsq-epochs 2] [--rows full,multiquant,...]
// Finished runs are kept in multiquant-work/, so a rerun, or runs of separate rows in parallel,
// only train what is missing (the LSQ rows need the full-precision run's weights).
var arguments = new ProgramArguments(args);
var (epochs, lsqEpochs) = (arguments.Int("--epochs", 3), arguments.Int("--lsq-epochs", 2));
var widths = new long[] { 2, 3, 4, 5, 6, 7, 8 };
var rows = new Dictionary<string, RowSpec>
{
    ["full"] = new("full precision", () => new FullPrecisionCnn(), null),
    ["lsq-2"] = new("LSQ W2A2", () => new LsqCnnW2A2(), 2),
    ["lsq-4"] = new("LSQ W4A4", () => new LsqCnnW4A4(), 4),
    ["lsq-8"] = new("LSQ W8A8", () => new LsqCnnW8A8(), 8),
    ["multiquant"] = new("MultiQuant", () => new MultiQuantCnn(), null),
    ["switch"] = new("switching", () => new SwitchCnn(), null),
    ["in-order"] = new("MultiQuant, branches in order", () => new MultiQuantInOrder(), null),
    ["no-distill"] = new("MultiQuant, no distillation", () => new MultiQuantNoDistill(), null),
};
var chosen = arguments.List("--rows", rows.Keys);
if (chosen.FirstOrDefault(r => !rows.ContainsKey(r)) is { } unknown)
{
    Console.Error.WriteLine($"--rows: unknown row '{unknown}'; choose from {string.Join(", ", rows.Keys)}");
    return 1;
}
var work = Directory.CreateDirectory(arguments.Subset ? "multiquant-work/subset" : "multiquant-work").FullName;
var (train, test) = arguments.LoadFashionMnist();
Console.WriteLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images");
var testLoader = new BatchLoader(test, 500, shuffle: false);
BatchLoader TrainLoader() => new(train, 128, shuffle: true, seed: 0, augment: Augmentations.CropAndFlip(2));

// One recipe for every network trained from scratch; the LSQ fine-tuning takes a smaller rate.
var options = new TrainerOptions
{
    Epochs = epochs,
    Optimizer = new OptimizerSpec.AdamW(Lr: 2e-3, Decay: 0),
    Schedule = new LearningRateSchedule.Cosine(WarmupEpochs: 1),
    LabelSmoothing = 0.1,
    Seed = 0,
};
var fineTuning = options with { Epochs = lsqEpochs, Optimizer = new OptimizerSpec.AdamW(Lr: 5e-4, Decay: 0), Schedule = new LearningRateSchedule.Cosine() };
var fullWeights = Path.Combine(work, $"full-{epochs}-epochs.safetensors");

Run Train(string key)
{
    var spec = rows[key];
    var path = Path.Combine(work, spec.Bits is null ? $"{key}-{epochs}-epochs.json" : $"{key}-{epochs}+{lsqEpochs}-epochs.json");
    return KeptResult.GetOrRun(path, () =>
    {
        manual_seed(0);
        using var model = spec.Create();
        var clock = Stopwatch.StartNew();
        var recipe = options;
        if (spec.Bits is not null)
        {
            if (!File.Exists(fullWeights)) throw new InvalidOperationException("the LSQ rows start from the full-precision network's weights: run the row 'full' first");
            PyTorchWeights.Load(model, fullWeights, strict: false);
            recipe = fineTuning;
        }
        new Trainer(recipe).Fit(model, TrainLoader(), testLoader);
        var seconds = clock.Elapsed.TotalSeconds;
        if (key == "full") PyTorchWeights.Save(model, fullWeights);
        var device = model.parameters().First().device;
        var top1 = new SortedDictionary<long, double>();
        var errors = new SortedDictionary<long, double>();
        if (model is IMultiBit multi)
        {
            foreach (var bits in widths)
            {
                multi.BitWidth = bits;
                top1[bits] = Trainer.Evaluate(model, testLoader, device).Top1;
                var parts = model.modules().OfType<MultiBitLayer>().Select(l => l.WeightError(bits)).ToList();
                errors[bits] = parts.Sum(p => p.Error) / parts.Sum(p => p.Energy);
            }
        }
        else top1[spec.Bits ?? 32] = Trainer.Evaluate(model, testLoader, device).Top1;
        return new Run(key, top1, seconds, errors);
    });
}

var results = chosen.Select(Train).ToList();

// Top-1 at every width, training time, and the weight error per width.
string Percent(double v) => (100 * v).ToString("0.00", CultureInfo.InvariantCulture);
Console.WriteLine();
Console.WriteLine($"{"network",-30} " + string.Join(" ", widths.Select(b => $"{b + "-bit",7}")) + $" {"full",7} {"train s",8}");
foreach (var run in results)
{
    var cells = widths.Select(b => run.Top1.TryGetValue(b, out var t) ? Percent(t) : "").Select(c => $"{c,7}");
    var full = run.Top1.TryGetValue(32, out var f) ? Percent(f) : "";
    var seconds = rows[run.Key].Bits is null ? $"{run.Seconds:0}" : $"+{run.Seconds:0}";
    Console.WriteLine($"{rows[run.Key].Name,-30} {string.Join(" ", cells)} {full,7} {seconds,8}");
}
Console.WriteLine();
Console.WriteLine($"{"MBOPs",-30} " + string.Join(" ", widths.Select(b => $"{MultiQuantCnnBops(b) / 1e6,7:0.0}")));
foreach (var run in results.Where(r => r.WeightError.Count > 0))
{
    Console.WriteLine($"{"weight error: " + rows[run.Key].Name,-30} " + string.Join(" ", widths.Select(b => $"{run.WeightError[b],7:0.000}")));
}

// MultiQuant against re-quantizing one set of weights, width by width.
if (results.FirstOrDefault(r => r.Key == "multiquant") is { } mq && results.FirstOrDefault(r => r.Key == "switch") is { } sw)
{
    Console.WriteLine();
    Console.WriteLine("MultiQuant − switching, points: " + string.Join(", ", widths.Select(b => $"{b}-bit {Percent(mq.Top1[b] - sw.Top1[b])}")));
}

// The chart: top-1 against bit-width, one line per multi-bit network, LSQ as points, full precision as a line.
var plot = new ScottPlot.Plot();
foreach (var run in results.Where(r => r.WeightError.Count > 0))
{
    var line = plot.Add.Scatter(widths.Select(b => (double)b).ToArray(), widths.Select(b => 100 * run.Top1[b]).ToArray());
    line.LegendText = rows[run.Key].Name;
}
var lsq = results.Where(r => rows[r.Key].Bits is not null).ToList();
if (lsq.Count > 0)
{
    var points = plot.Add.ScatterPoints(lsq.Select(r => (double)rows[r.Key].Bits!.Value).ToArray(), lsq.Select(r => 100 * r.Top1.Values.Single()).ToArray());
    points.LegendText = "LSQ, one network per width";
}
if (results.FirstOrDefault(r => r.Key == "full") is { } fp)
{
    var level = plot.Add.HorizontalLine(100 * fp.Top1[32]);
    level.LegendText = "full precision";
}
plot.Title("MultiQuant at laptop scale: one network, every bit-width");
plot.XLabel("bits (weights of each branch: 2; activations: this many)");
plot.YLabel("top-1 %");
plot.ShowLegend(ScottPlot.Alignment.LowerRight);
plot.SavePng(arguments.Subset ? "top1-vs-bits-subset.png" : "top1-vs-bits.png", 900, 520);
return 0;

// The multi-bit networks' BOPs at a width, from the compiler (the same for switching: MACs·b²).
static long MultiQuantCnnBops(long bits) => bits switch
{
    2 => MultiQuantCnn.BopsB2,
    3 => MultiQuantCnn.BopsB3,
    4 => MultiQuantCnn.BopsB4,
    5 => MultiQuantCnn.BopsB5,
    6 => MultiQuantCnn.BopsB6,
    7 => MultiQuantCnn.BopsB7,
    _ => MultiQuantCnn.BopsB8,
};

/// <summary>One row: its name, its model, and the one width an LSQ network is trained for.</summary>
sealed record RowSpec(string Name, Func<nn.Module<Tensor, Tensor>> Create, long? Bits);

/// <summary>One finished run, kept as JSON: top-1 by width (32 for full precision), training seconds, the weight error by width.</summary>
sealed record Run(string Key, SortedDictionary<long, double> Top1, double Seconds, SortedDictionary<long, double> WeightError);
