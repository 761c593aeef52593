using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Dsl.Runtime;
using Dsl.Runtime.Data;
using Dsl.Runtime.Training;
using Dsl.Runtime.Winograd;
using static TorchSharp.torch;
using Winograd3D;

// Low-rank Winograd 3D convolution at laptop scale: a C3D-style network on 16-frame clips of
// moving Fashion-MNIST objects, its three 3×3×3 convolutions computed directly, in the Winograd
// domain (vanilla), as low-rank U = P·Q at several ranks, and low-rank with positions removed.
// Each run reports top-1, trainable parameters, Winograd multiplications (from the compiler) and
// the network's measured inference time against the direct one's.
//   dotnet run -c Release [-- --data DIR | --subset] [--train-clips 5000] [--test-clips 1000] [--epochs 4] [--rows direct,vanilla,...]
// Finished runs are kept in winograd-work/.
var arguments = new ProgramArguments(args);
var (trainClips, testClips, epochs) = (arguments.Int("--train-clips", 5000), arguments.Int("--test-clips", 1000), arguments.Int("--epochs", 4));
var rows = new Dictionary<string, (string Name, Func<nn.Module<Tensor, Tensor>> Create, long Parameters, long Multiplications)>
{
    ["direct"] = ("conv3d (direct)", () => new DirectC3d(), DirectC3d.ParameterCount, DirectC3d.Macs),
    ["vanilla"] = ("vanilla Winograd", () => new VanillaWinogradC3d(), VanillaWinogradC3d.ParameterCount, VanillaWinogradC3d.WinogradMultiplications),
    ["r8"] = ("low-rank R = 8", () => new LowRankC3dR8(), LowRankC3dR8.ParameterCount, LowRankC3dR8.WinogradMultiplications),
    ["r16"] = ("low-rank R = 16", () => new LowRankC3dR16(), LowRankC3dR16.ParameterCount, LowRankC3dR16.WinogradMultiplications),
    ["r27"] = ("low-rank R = 27", () => new LowRankC3dR27(), LowRankC3dR27.ParameterCount, LowRankC3dR27.WinogradMultiplications),
    ["r16-k32"] = ("low-rank R = 16, 32 positions", () => new SparseC3dR16K32(), SparseC3dR16K32.ParameterCount, SparseC3dR16K32.WinogradMultiplications),
    ["r16-k16"] = ("low-rank R = 16, 16 positions", () => new SparseC3dR16K16(), SparseC3dR16K16.ParameterCount, SparseC3dR16K16.WinogradMultiplications),
};
var chosen = arguments.List("--rows", rows.Keys);
if (chosen.FirstOrDefault(r => !rows.ContainsKey(r)) is { } unknown)
{
    Console.Error.WriteLine($"--rows: unknown row '{unknown}'; choose from {string.Join(", ", rows.Keys)}");
    return 1;
}
var (images, testImages) = arguments.LoadFashionMnist();
using var train = MovingClips.FromImages(Take(images, trainClips), seed: 0);
using var test = MovingClips.FromImages(Take(testImages, testClips), seed: 1);
Console.WriteLine($"{train.Source}: {train.Count:N0} training and {test.Count:N0} test clips");
var work = Directory.CreateDirectory(arguments.Subset ? "winograd-work/subset" : "winograd-work").FullName;
var options = new TrainerOptions
{
    Epochs = epochs,
    Optimizer = new OptimizerSpec.AdamW(Lr: 2e-3, Decay: 0),
    Schedule = new LearningRateSchedule.Cosine(WarmupEpochs: 1),
    Seed = 0,
};
using var timingBatch = test.Images.narrow(0, 0, Math.Min(32, test.Count)).contiguous();

Run Train(string key)
{
    var path = Path.Combine(work, $"{key}-{trainClips}-clips-{epochs}-epochs.json");
    return KeptResult.GetOrRun(path, () =>
    {
        manual_seed(0);
        using var model = rows[key].Create();
        var clock = Stopwatch.StartNew();
        new Trainer(options).Fit(model, new BatchLoader(train, 32, shuffle: true, seed: 0), new BatchLoader(test, 100, shuffle: false));
        var seconds = clock.Elapsed.TotalSeconds;
        var device = model.parameters().First().device;
        var top1 = Trainer.Evaluate(model, new BatchLoader(test, 100, shuffle: false), device).Top1;
        var kept = model.modules().OfType<WinogradLayer>().Select(l => l.KeptPositions).ToArray();
        return new Run(key, top1, seconds, InferenceMilliseconds(model), kept);
    });
}

// The network's inference on one batch of 32 clips: median of 7 runs after a warm-up.
double InferenceMilliseconds(nn.Module<Tensor, Tensor> model)
{
    model.eval();
    var times = new List<double>();
    for (var i = 0; i < 8; i++)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        model.forward(timingBatch);
        if (i > 0) times.Add(clock.Elapsed.TotalMilliseconds);
    }
    return times.Order().ElementAt(times.Count / 2);
}

var results = chosen.Select(Train).ToList();
string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
var direct = results.FirstOrDefault(r => r.Key == "direct");
Console.WriteLine();
Console.WriteLine($"{"network",-32} {"top-1 %",8} {"params",8} {"mults (M)",10} {"kept",10} {"ms/32 clips",12} {"× direct",9} {"train s",8}");
foreach (var r in results)
{
    var row = rows[r.Key];
    var speed = direct is null ? "" : F(direct.InferenceMs / r.InferenceMs, "0.00");
    var kept = r.Kept.Length == 0 ? "" : string.Join("/", r.Kept);
    Console.WriteLine($"{row.Name,-32} {F(100 * r.Top1, "0.00"),8} {row.Parameters,8:N0} {F(row.Multiplications / 1e6, "0.00"),10} {kept,10} {F(r.InferenceMs, "0.0"),12} {speed,9} {F(r.Seconds, "0"),8}");
}

var plot = new ScottPlot.Plot();
foreach (var r in results)
{
    var point = plot.Add.ScatterPoints(new[] { rows[r.Key].Multiplications / 1e6 }, new[] { 100 * r.Top1 });
    point.LegendText = rows[r.Key].Name;
    point.MarkerSize = 9;
}
plot.Title("Low-rank Winograd 3D at laptop scale: accuracy against multiplications");
plot.XLabel("multiplications per clip (millions; direct: MACs)");
plot.YLabel("top-1 %");
plot.ShowLegend(ScottPlot.Alignment.LowerRight);
plot.SavePng(arguments.Subset ? "accuracy-vs-multiplications-subset.png" : "accuracy-vs-multiplications.png", 900, 520);
return 0;

static ImageClassificationData Take(ImageClassificationData data, int count)
{
    var n = Math.Min(count, data.Count);
    return new ImageClassificationData(data.Images.narrow(0, 0, n), data.Labels.narrow(0, 0, n), data.Classes, data.Source);
}

/// <summary>One finished run: top-1, training seconds, inference ms for 32 clips, positions each Winograd layer keeps.</summary>
sealed record Run(string Key, double Top1, double Seconds, double InferenceMs, long[] Kept);
