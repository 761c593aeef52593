using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using BiViT;
using Dsl.Runtime;
using Dsl.Runtime.Data;
using Dsl.Runtime.Training;
using Dsl.Runtime.Weights;
using TorchSharp;
using static TorchSharp.torch;

// Bi-ViT at laptop scale: the small ViT trained in full precision, then fully binarized from its
// weights: the plain binary baseline, Bi-ViT's learnable scaling, and the scaling with
// distillation from the full-precision ViT: hard distillation through a distillation head, the
// attention-ranking loss, and both.
//   dotnet run -c Release [-- --data DIR | --subset] [--epochs N] [--binary-epochs N]
//                         [--rows plain,scaled,hard,ranking,distilled]
var arguments = new ProgramArguments(args);
var (epochs, binaryEpochs) = (arguments.Int("--epochs", 6), arguments.Int("--binary-epochs", 4));
var work = Directory.CreateDirectory("bivit-work").FullName;

var (train, test) = arguments.LoadFashionMnist();
Console.WriteLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images");
var testLoader = new BatchLoader(test, 500, shuffle: false);
BatchLoader TrainLoader(int seed) => new(train, 128, shuffle: true, seed: seed,
    augment: Augmentations.CropAndFlip(2));
TrainerOptions Options(int count, double lr, double decay, long seed) => new()
{
    Epochs = count,
    Optimizer = new OptimizerSpec.AdamW(Lr: lr, Decay: decay),
    Schedule = new LearningRateSchedule.Cosine(WarmupEpochs: Math.Min(1, count / 4.0)),
    LabelSmoothing = 0.1,
    GradientClipNorm = 1.0,
    Seed = seed,
};

// 1. The full-precision ViT (kept in bivit-work/ so a rerun skips it).
manual_seed(0);
using var full = new BiViTFull();
var weights = Path.Combine(work, "bivit_full.safetensors");
if (File.Exists(weights)) PyTorchWeights.Load(full, weights);
else
{
    new Trainer(Options(epochs, 2e-3, 0.05, 0)).Fit(full, TrainLoader(0), testLoader);
    PyTorchWeights.Save(full, weights);
}
var rows = new List<Row>
{
    new("full precision", Trainer.Evaluate(full, testLoader, CPU).Top1, BiViTFull.Macs, 0, BiViTFull.Macs, BiViTFull.ParameterCount),
};

// 2. The binary ViTs, each from the full-precision weights, with the same schedule. A finished
// row is kept in bivit-work/ (per number of epochs), so rows can be run separately (--rows).
var binary = new Dictionary<string, (string Name, Func<nn.Module<Tensor, Tensor>> Create)>
{
    ["plain"] = ("plain binary", () => new BiViTPlain()),
    ["scaled"] = ("Bi-ViT scaling", () => new BiViTScaled()),
    ["hard"] = ("scaling + hard distillation", () => new BiViTHard()),
    ["ranking"] = ("scaling + ranking loss", () => new BiViTRanking()),
    ["distilled"] = ("scaling + hard + ranking", () => new BiViTDistilled()),
};
var chosen = arguments.List("--rows", binary.Keys);
if (chosen.FirstOrDefault(r => !binary.ContainsKey(r)) is { } unknown)
{
    Console.Error.WriteLine($"--rows: unknown row '{unknown}'; choose from {string.Join(", ", binary.Keys)}");
    return 1;
}
foreach (var key in chosen)
{
    var (name, create) = binary[key];
    rows.Add(KeptResult.GetOrRun(Path.Combine(work, $"{key}-{binaryEpochs}-epochs.json"), () =>
    {
        using var model = create();
        var report = PyTorchWeights.Load(model, weights, strict: false);
        Console.WriteLine($"{name}: {report.Loaded.Count} tensors from the full-precision ViT; {report.Missing.Count} new");
        var trainer = new Trainer(Options(binaryEpochs, 1e-3, 0, 1));
        if (model is IDistilled distilled) distilled.Distillation.From(full);
        var summary = trainer.Fit(model, TrainLoader(1), testLoader);
        return new Row(name, summary.Final.Top1, summary.Cost.Macs!.Value, (long)summary.Cost["Bops"]!.Value, summary.Cost["Operations"]!.Value, summary.Cost.Parameters);
    }));
}

Console.WriteLine();
Console.WriteLine($"{"network",-30} {"top-1",8} {"vs plain",9} {"MMACs",7} {"MBOPs",7} {"MOPs",7} {"OPs saved",10} {"params",8}");
foreach (var row in rows)
{
    var plain = rows.FirstOrDefault(r => r.Name == binary["plain"].Name);
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-30} {1,8:P2} {2,9} {3,7:F2} {4,7:F2} {5,7:F2} {6,9:F1}× {7,8:N0}",
        row.Name, row.Top1, row.Bops == 0 || plain == null ? "" : (100 * (row.Top1 - plain.Top1)).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture),
        row.Macs / 1e6, row.Bops / 1e6, row.Ops / 1e6, rows[0].Ops / row.Ops, row.Parameters));
}
return 0;

/// <summary>One network's measured accuracy and costs.</summary>
sealed record Row(string Name, double Top1, long Macs, long Bops, double Ops, long Parameters);
