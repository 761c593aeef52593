using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Dsl.Runtime;
using Dsl.Runtime.Data;
using Dsl.Runtime.Training;
using Dsl.Runtime.Weights;
using Quantized;
using TorchSharp;
using static TorchSharp.torch;

// LSQ quantization-aware training at laptop scale: a CNN and a ViT trained in full precision,
// then each fine-tuned with 4-bit and with 2-bit weights and activations (LSQ, learnable steps
// initialised from the first batch), starting from the full-precision weights.
//   dotnet run -c Release [-- --data DIR | --subset] [--cnn-epochs N] [--vit-epochs N] [--qat-epochs N]
// The full Fashion-MNIST (Debian's dataset-fashion-mnist) is used when present; trained
// full-precision weights are kept in quantized-work/ so a rerun skips them.
var arguments = new ProgramArguments(args);
var (cnnEpochs, vitEpochs, qatEpochs) = (arguments.Int("--cnn-epochs", 8), arguments.Int("--vit-epochs", 6), arguments.Int("--qat-epochs", 3));
var work = Directory.CreateDirectory("quantized-work").FullName;

var (train, test) = arguments.LoadFashionMnist();
Console.WriteLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images");
var testLoader = new BatchLoader(test, 500, shuffle: false);
BatchLoader TrainLoader(int seed) => new(train, 128, shuffle: true, seed: seed,
    augment: Augmentations.CropAndFlip(2));

var rows = new List<(string Family, string Bits, double Top1, long Macs, long Bops, double Ops, long Parameters)>();

// The full-precision network, trained once and kept; then each quantized copy starts from its
// weights (the quantizers' steps are new) and is fine-tuned with a smaller learning rate.
void Family(string family, Func<nn.Module<Tensor, Tensor>> create, TrainerOptions fullOptions, TrainerOptions qatOptions,
    params (string Bits, nn.Module<Tensor, Tensor> Model)[] quantized)
{
    var full = create();
    var weights = Path.Combine(work, $"{family.ToLowerInvariant()}.safetensors");
    if (File.Exists(weights)) PyTorchWeights.Load(full, weights);
    else
    {
        new Trainer(fullOptions).Fit(full, TrainLoader(0), testLoader);
        PyTorchWeights.Save(full, weights);
    }
    var fullTop1 = Trainer.Evaluate(full, testLoader, CPU).Top1;
    var cost = ModelCost.Of(full);
    rows.Add((family, "full precision", fullTop1, cost.Macs!.Value, 0, cost.Macs.Value, cost.Parameters));
    // The fair control: the full-precision network trained for as many more epochs, with the
    // quantized copies' recipe, so what the copies gain from the extra epochs shows.
    var control = create();
    PyTorchWeights.Load(control, weights);
    var tuned = new Trainer(qatOptions).Fit(control, TrainLoader(1), testLoader);
    rows.Add((family, $"full, +{qatOptions.Epochs} epochs", tuned.Final.Top1, cost.Macs.Value, 0, cost.Macs.Value, cost.Parameters));
    foreach (var (bits, model) in quantized)
    {
        var report = PyTorchWeights.Load(model, weights, strict: false);
        Console.WriteLine($"{family} {bits}: {report.Loaded.Count} tensors from the full-precision network; {report.Missing.Count} quantizer tensors start fresh");
        var summary = new Trainer(qatOptions).Fit(model, TrainLoader(1), testLoader);
        var q = summary.Cost;
        rows.Add((family, bits, summary.Final.Top1, q.Macs!.Value, (long)q["Bops"]!.Value, q["Operations"]!.Value, q.Parameters));
    }
}

manual_seed(0);
var cnnOptions = new TrainerOptions
{
    Epochs = cnnEpochs,
    Optimizer = new OptimizerSpec.Sgd(0.05, Momentum: 0.9, Nesterov: true, Decay: 5e-4),
    Schedule = new LearningRateSchedule.Cosine(WarmupEpochs: 1),
    LabelSmoothing = 0.1,
};
// Fine-tuning: no weight decay, which would shrink the learned steps.
var cnnQat = cnnOptions with { Epochs = qatEpochs, Optimizer = new OptimizerSpec.Sgd(0.01, Momentum: 0.9, Nesterov: true, Decay: 0), Schedule = new LearningRateSchedule.Cosine(), Seed = 1 };
Family("CNN", () => new SmallCnn(), cnnOptions, cnnQat, ("W4A4", new SmallCnnW4A4()), ("W2A2", new SmallCnnW2A2()));

manual_seed(0);
var vitOptions = new TrainerOptions
{
    Epochs = vitEpochs,
    Optimizer = new OptimizerSpec.AdamW(Lr: 2e-3, Decay: 0.05),
    Schedule = new LearningRateSchedule.Cosine(WarmupEpochs: 1),
    LabelSmoothing = 0.1,
    GradientClipNorm = 1.0,
};
var vitQat = vitOptions with { Epochs = qatEpochs, Optimizer = new OptimizerSpec.AdamW(Lr: 5e-4, Decay: 0), Schedule = new LearningRateSchedule.Cosine(), Seed = 1 };
Family("ViT", () => new SmallViT(), vitOptions, vitQat, ("W4A4", new SmallViTW4A4()), ("W2A2", new SmallViTW2A2()));

Console.WriteLine();
Console.WriteLine($"{"network",-8} {"bits",-16} {"top-1",8} {"vs full",8} {"vs +epochs",10} {"MMACs",8} {"MBOPs",8} {"MOPs",8} {"OPs saved",10} {"params",8}");
foreach (var row in rows)
{
    var family = rows.Where(r => r.Family == row.Family).ToList();
    var (full, control) = (family[0], family[1]);
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-8} {1,-16} {2,8:P2} {3,8:+0.00;-0.00;0.00} {4,10:+0.00;-0.00;0.00} {5,8:F2} {6,8:F2} {7,8:F2} {8,9:F1}× {9,8:N0}",
        row.Family, row.Bits, row.Top1, 100 * (row.Top1 - full.Top1), 100 * (row.Top1 - control.Top1), row.Macs / 1e6, row.Bops / 1e6, row.Ops / 1e6, full.Ops / row.Ops, row.Parameters));
}
