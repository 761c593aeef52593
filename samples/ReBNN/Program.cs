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
using static TorchSharp.torch.optim;
using static TorchSharp.torch;

// ReBNN at laptop scale: a ReActNet-style CNN trained in full precision, then binarized two
// ways from its weights, each distilled from it (soft cross-entropy): the plain baseline (sign
// weights scaled by mean |w|, sign activations, straight-through gradients) and ReBNN
// (learnable scales, the reconstruction-aware backward with adaptive γ, 2 − 2|x| surrogate).
// It reports accuracy and how often the binary networks' latent weights flip sign, and plots
// the flips per epoch to oscillation.png.
//   dotnet run -c Release [-- --data DIR | --subset] [--epochs N] [--binary-epochs N]
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int IntOption(string name, int fallback) => int.Parse(Option(name) ?? fallback.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
var subset = args.Contains("--subset") || !Directory.Exists(FashionMnist.SystemFolder) && Option("--data") == null;
var (epochs, binaryEpochs) = (IntOption("--epochs", 6), IntOption("--binary-epochs", 6));
var work = Directory.CreateDirectory("rebnn-work").FullName;

var (train, test) = FashionMnist.Load(FashionMnist.Locate(Option("--data"), full: !subset));
Console.WriteLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images");
var testLoader = new BatchLoader(test, 500, shuffle: false);
BatchLoader TrainLoader(int seed) => new(train, 128, shuffle: true, seed: seed,
    augment: (x, g) => Augmentations.HorizontalFlip(Augmentations.RandomCrop(x, 2, g), g));
// ReBNN's recipe: Adam, learning rate 1e-3 decaying linearly, no weight decay.
TrainerOptions Options(int count, long seed) => new()
{
    Epochs = count,
    Optimizer = new OptimizerSpec.Adam(Lr: 1e-3),
    Schedule = new LearningRateSchedule.Linear(),
    Seed = seed,
};

// 1. The full-precision network (kept in rebnn-work/ so a rerun skips it).
manual_seed(0);
using var full = new ReActCnn();
var weights = Path.Combine(work, "react_cnn.safetensors");
if (File.Exists(weights)) PyTorchWeights.Load(full, weights);
else
{
    new Trainer(Options(epochs, 0)).Fit(full, TrainLoader(0), testLoader);
    PyTorchWeights.Save(full, weights);
}
var rows = new List<(string Name, double Top1, long Macs, long Bops, double Ops, IReadOnlyList<double> Flips)>
{
    ("full precision", Trainer.Evaluate(full, testLoader, CPU).Top1, ReActCnn.Macs, 0, ReActCnn.Macs, Array.Empty<double>()),
};

// 2. The two binary networks, from the full-precision weights, distilled from it.
void Binary(string name, nn.Module<Tensor, Tensor> model)
{
    var report = PyTorchWeights.Load(model, weights, strict: false);
    Console.WriteLine($"{name}: {report.Loaded.Count} tensors from the full-precision network; new: {string.Join(", ", report.Missing)}");
    var trainer = new Trainer(Options(binaryEpochs, 1));
    Distiller.Attach(trainer, model, full);
    var flips = new SignFlips(model);
    trainer.Hooks.Add(flips);
    var summary = trainer.Fit(model, TrainLoader(1), testLoader);
    rows.Add((name, summary.Final.Top1, summary.Cost.Macs!.Value, summary.Cost.Bops!.Value, summary.Cost.Operations!.Value, flips.PerEpoch));
}
Binary("plain binary", new PlainBinaryCnn());
Binary("ReBNN", new ReBnnCnn());

Console.WriteLine();
Console.WriteLine($"{"network",-16} {"top-1",8} {"MMACs",7} {"MBOPs",7} {"MOPs",7} {"flips per weight, epoch by epoch",-40}");
foreach (var row in rows)
{
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-16} {1,8:P2} {2,7:F2} {3,7:F2} {4,7:F2} {5}", row.Name, row.Top1,
        row.Macs / 1e6, row.Bops / 1e6, row.Ops / 1e6, string.Join(" ", row.Flips.Select(f => f.ToString("0.000", CultureInfo.InvariantCulture)))));
}

// 3. The oscillation chart.
var plot = new ScottPlot.Plot();
foreach (var row in rows.Skip(1))
{
    var line = plot.Add.Scatter(Enumerable.Range(1, row.Flips.Count).Select(e => (double)e).ToArray(), row.Flips.ToArray());
    line.LegendText = row.Name;
}
plot.Title("Latent weight oscillation");
plot.XLabel("epoch");
plot.YLabel("sign flips per binary weight");
plot.ShowLegend();
plot.SavePng("oscillation.png", 720, 420);
Console.WriteLine("saved oscillation.png");

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
