using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Dsl.Runtime;
using Dsl.Runtime.Data;
using Dsl.Runtime.LowBit;
using Dsl.Runtime.Training;
using Dsl.Runtime.Weights;
using ReBNN;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

// ReBNN at laptop scale: a ReActNet-style CNN trained in full precision, then binarized two
// ways from its weights, each distilled from it (soft cross-entropy) and trained in ReActNet's
// two stages (binary activations, then binary weights too): the plain baseline (sign weights
// scaled by mean |w|, sign activations, straight-through gradients) and ReBNN (learnable
// scales, the reconstruction-aware backward with γ adaptive or constant, 2 − 2|x| surrogate).
// Each binary network is trained with several seeds (data order and augmentation); the sample
// reports accuracy and how often the latent weights flip sign, and plots the flips per epoch.
//   dotnet run -c Release [-- --data DIR | --subset] [--epochs N] [--stage-epochs N]
//                         [--seeds 0,1,2] [--methods plain,rebnn,rebnn-constant] [--scratch]
// Finished runs are kept in rebnn-work/ (weights and results), so a rerun, or runs of separate
// methods in parallel, only trains what is missing; the table covers the methods and seeds asked.
var arguments = new ProgramArguments(args);
var (epochs, stageEpochs) = (arguments.Int("--epochs", 6), arguments.Int("--stage-epochs", 3));
var seeds = arguments.IntList("--seeds", new[] { 0, 1, 2 });
var methods = new Dictionary<string, (string Family, string Name, Func<nn.Module<Tensor, Tensor>> Create)>
{
    ["plain"] = ("plain", "plain binary", () => new PlainBinaryCnn()),
    ["rebnn"] = ("rebnn", "ReBNN, γ adaptive", () => new ReBnnCnn()),
    ["rebnn-constant"] = ("rebnn", "ReBNN, γ = 2e-4", () => new ReBnnConstantCnn()),
};
var chosen = arguments.List("--methods", methods.Keys);
if (chosen.FirstOrDefault(m => !methods.ContainsKey(m)) is { } unknown)
{
    Console.Error.WriteLine($"--methods: unknown method '{unknown}'; choose from {string.Join(", ", methods.Keys)}");
    return 1;
}
var work = Directory.CreateDirectory(arguments.Subset ? "rebnn-work/subset" : "rebnn-work").FullName;

var (train, test) = arguments.LoadFashionMnist();
Console.WriteLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images");
var testLoader = new BatchLoader(test, 500, shuffle: false);
BatchLoader TrainLoader(int seed) => new(train, 128, shuffle: true, seed: seed,
    augment: Augmentations.CropAndFlip(2));
// ReBNN's recipe: Adam, learning rate 1e-3 decaying linearly, no weight decay.
TrainerOptions Options(int count, long seed) => new()
{
    Epochs = count,
    Optimizer = new OptimizerSpec.Adam(Lr: 1e-3),
    Schedule = new LearningRateSchedule.Linear(),
    Seed = seed,
};

// 1. The full-precision network.
manual_seed(0);
using var full = new ReActCnn();
var weights = Path.Combine(work, "react_cnn.safetensors");
if (File.Exists(weights)) PyTorchWeights.Load(full, weights);
else
{
    new Trainer(Options(epochs, 0)).Fit(full, TrainLoader(0), testLoader);
    PyTorchWeights.Save(full, weights);
}
var fullTop1 = Trainer.Evaluate(full, testLoader, CPU).Top1;

// --scratch: the harder setting, binary networks from random weights without a teacher.
var scratch = arguments.Flag("--scratch");
var runs = scratch ? Directory.CreateDirectory(Path.Combine(work, "scratch")).FullName : work;

// Trains a binary network from a checkpoint (none: its random initial weights), distilled
// from the full-precision one unless --scratch.
TrainingSummary Train(nn.Module<Tensor, Tensor> model, string? from, int seed, TrainingHook? hook = null)
{
    if (from != null)
    {
        var report = PyTorchWeights.Load(model, from, strict: false);
        Console.WriteLine($"{model.GetName()} seed {seed}: {report.Loaded.Count} tensors from {Path.GetFileName(from)}, {report.Missing.Count} new");
    }
    var trainer = new Trainer(Options(stageEpochs, 1 + seed));
    if (model is IDistilled distilled)
    {
        if (scratch) distilled.Distillation.WithoutTeacher();
        else distilled.Distillation.From(full);
    }
    if (hook != null) trainer.Hooks.Add(hook);
    return trainer.Fit(model, TrainLoader(1 + seed), testLoader);
}

// 2. Stage 1: binary activations on full-precision weights, one per binarizer family and seed.
string StageOne(string family, int seed)
{
    var path = Path.Combine(runs, $"{family}-activations-seed{seed}.safetensors");
    if (File.Exists(path)) return path;
    manual_seed(100 + seed);
    using nn.Module<Tensor, Tensor> model = family == "plain" ? new PlainActivationsCnn() : new ReBnnActivationsCnn();
    var summary = Train(model, scratch ? null : weights, seed);
    Console.WriteLine($"{family} stage 1, seed {seed}: {summary.Final.Top1:P2} with binary activations");
    PyTorchWeights.Save(model, path);
    return path;
}

// 3. Stage 2: binary weights too, counting sign flips. Results are kept as JSON per run.
var results = new List<BinaryRun>();
foreach (var seed in seeds)
{
    foreach (var method in chosen)
    {
        results.Add(KeptResult.GetOrRun(Path.Combine(runs, $"{method}-seed{seed}.json"), () =>
        {
            var (family, _, create) = methods[method];
            var start = StageOne(family, seed);
            using var model = create();
            var flips = new SignFlips(model);
            var summary = Train(model, start, seed, flips);
            var cost = summary.Cost;
            return new BinaryRun(method, seed, summary.Final.Top1, cost.Macs!.Value, (long)cost["Bops"]!.Value, cost["Operations"]!.Value, flips.PerEpoch.ToArray());
        }));
    }
}

// 4. The table: mean and spread over seeds, every seed's accuracy, and the difference to the
// plain network trained with the same seed (same data order; from scratch, same initial weights).
string Percent(double v) => (100 * v).ToString("0.00", CultureInfo.InvariantCulture);
string Spread(IReadOnlyList<double> values) => $"{Percent(values.Average())} ± {Percent(StandardDeviation(values))}";
Console.WriteLine();
Console.WriteLine($"full precision: {Percent(fullTop1)}%, {ReActCnn.Macs / 1e6:F2} MMACs");
Console.WriteLine($"{"network",-20} {"top-1 mean ± sd",16} {"per seed",-24} {"vs plain, paired",16} {"MBOPs",7} {"MOPs",7}  flips per weight, epoch by epoch (mean)");
var groups = results.GroupBy(r => r.Method).ToList();
var plain = results.Where(r => r.Method == "plain").ToDictionary(r => r.Seed, r => r.Top1);
foreach (var g in groups)
{
    var top1 = g.Select(r => r.Top1).ToArray();
    var paired = g.Where(r => r.Method != "plain" && plain.ContainsKey(r.Seed)).Select(r => r.Top1 - plain[r.Seed]).ToArray();
    var flips = MeanFlips(g);
    var first = g.First();
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-20} {1,16} {2,-24} {3,16} {4,7:F2} {5,7:F2}  {6}", methods[g.Key].Name,
        Spread(top1), string.Join(" ", top1.Select(Percent)), paired.Length == 0 ? "" : Spread(paired), first.Bops / 1e6, first.Ops / 1e6,
        string.Join(" ", flips.Select(f => f.ToString("0.000", CultureInfo.InvariantCulture)))));
}

// 5. The oscillation chart.
var plot = new ScottPlot.Plot();
foreach (var g in groups)
{
    var flips = MeanFlips(g);
    var line = plot.Add.Scatter(Enumerable.Range(1, flips.Length).Select(e => (double)e).ToArray(), flips);
    line.LegendText = methods[g.Key].Name;
}
plot.Title($"Latent weight oscillation{(scratch ? ", from scratch" : "")} (stage 2, mean over seeds)");
plot.XLabel("epoch");
plot.YLabel("sign flips per binary weight");
plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
plot.ShowLegend(ScottPlot.Alignment.UpperRight);
var chart = scratch ? "oscillation-scratch.png" : "oscillation.png";
plot.SavePng(chart, 720, 420);
Console.WriteLine($"saved {chart}");
return 0;

static double StandardDeviation(IReadOnlyList<double> values)
{
    if (values.Count < 2) return 0;
    var mean = values.Average();
    return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
}

static double[] MeanFlips(IEnumerable<BinaryRun> runs)
{
    var list = runs.ToList();
    return Enumerable.Range(0, list.Min(r => r.Flips.Length)).Select(e => list.Average(r => r.Flips[e])).ToArray();
}

/// <summary>One binary network trained with one seed: its accuracy, costs and sign flips per epoch.</summary>
sealed record BinaryRun(string Method, int Seed, double Top1, long Macs, long Bops, double Ops, double[] Flips);

/// <summary>
/// Counts, at every training step, the latent weights of the binarized layers whose sign
/// changed in that step; per epoch it reports the flips divided by the number of those weights
/// (a weight flipping back and forth counts every time).
/// </summary>
sealed class SignFlips : TrainingHook
{
    private readonly List<Parameter> _weights;
    private readonly long _count;
    private List<Tensor> _signs = new();
    private long _flips;

    public SignFlips(nn.Module<Tensor, Tensor> model)
    {
        _weights = model.modules().OfType<LowBitLayer>().Select(l => l.Weight).ToList();
        _count = _weights.Sum(w => w.numel());
    }

    public List<double> PerEpoch { get; } = new();

    public override void OnTrainStart(nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer) => _signs = Signs();

    public override void OnStepEnd(StepContext step)
    {
        var now = Signs();
        _flips += now.Zip(_signs, (a, b) => a.ne(b).sum().item<long>()).Sum();
        foreach (var old in _signs) old.Dispose();
        _signs = now;
    }

    public override void OnEpochEnd(EpochResult result)
    {
        PerEpoch.Add(_flips / (double)_count);
        _flips = 0;
    }

    private List<Tensor> Signs()
    {
        using var noGrad = no_grad();
        return _weights.Select(w => w.ge(0).DetachFromDisposeScope()).ToList();
    }
}
