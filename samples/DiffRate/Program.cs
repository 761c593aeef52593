using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using DiffRate;
using Dsl.Runtime;
using Dsl.Runtime.Data;
using Dsl.Runtime.Training;
using Dsl.Runtime.Weights;
using TorchSharp;
using static TorchSharp.torch;

// DiffRate at laptop scale: train FashionViT, freeze it, learn per-block token rates for half
// of its MACs, then compare without fine-tuning: full, learned rates, and uniform rates (the
// same number of tokens merged in every block, as ToMe does) at the same MACs.
//   dotnet run -c Release [-- --data DIR | --subset] [--epochs N] [--search-epochs N]
// The full Fashion-MNIST (Debian's dataset-fashion-mnist) is used when present; trained
// weights are kept in diffrate-work/ so a rerun skips the finished stages.
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var subset = args.Contains("--subset") || !Directory.Exists(FashionMnist.SystemFolder) && Option("--data") == null;
var epochs = int.Parse(Option("--epochs") ?? "6", CultureInfo.InvariantCulture);
var searchEpochs = int.Parse(Option("--search-epochs") ?? "2", CultureInfo.InvariantCulture);
var searchLr = double.Parse(Option("--search-lr") ?? "0.05", CultureInfo.InvariantCulture);
var warmupEpochs = int.Parse(Option("--warmup-epochs") ?? "0", CultureInfo.InvariantCulture);
var work = Directory.CreateDirectory("diffrate-work").FullName;

var (train, test) = FashionMnist.Load(FashionMnist.Locate(Option("--data"), full: !subset));
Console.WriteLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images");
var testLoader = new BatchLoader(test, 500, shuffle: false);

// 1. Train the ViT (or reuse the weights of an earlier run).
var weights = Path.Combine(work, "fashion_vit.safetensors");
manual_seed(0);
using var full = new FashionViT();
if (File.Exists(weights))
{
    PyTorchWeights.Load(full, weights);
    Console.WriteLine($"loaded {weights}");
}
else
{
    var options = new TrainerOptions
    {
        Epochs = epochs,
        Optimizer = new OptimizerSpec.AdamW(Lr: 2e-3, Decay: 0.05),
        Schedule = new LearningRateSchedule.Cosine(WarmupEpochs: 1),
        LabelSmoothing = 0.1,
        GradientClipNorm = 1.0,
    };
    new Trainer(options).Fit(full, new BatchLoader(train, 128, shuffle: true, seed: 0,
        augment: (x, g) => Augmentations.HorizontalFlip(Augmentations.RandomCrop(x, 2, g), g)), testLoader);
    PyTorchWeights.Save(full, weights);
}

// 2. Learn the rates on the frozen network: only the rate logits train.
using var search = new FashionViTSearch();
var report = PyTorchWeights.Load(search, weights, strict: false);
Console.WriteLine($"search model: {report.Loaded.Count} tensors from the trained ViT; new: {string.Join(", ", report.Missing)}");
foreach (var (name, p) in search.named_parameters())
    if (!name.EndsWith("_logits", StringComparison.Ordinal)) p.requires_grad_(false);
var rateLoss = new TokenRateLoss(search.Tokens, log: Console.Out, warmupEpochs: warmupEpochs);
var searchTrainer = new Trainer(new TrainerOptions
{
    Epochs = searchEpochs,
    Optimizer = new OptimizerSpec.AdamW(Lr: searchLr, Decay: 0),
    Schedule = new LearningRateSchedule.Cosine(FinalFactor: 0.1),
    Seed = 1,
});
searchTrainer.Hooks.Add(rateLoss);
searchTrainer.Fit(search, new BatchLoader(train, 128, shuffle: true, seed: 1), testLoader);
var learned = (Prune: search.Tokens.Blocks.Select(b => b.KeptPrune).ToArray(), Merge: search.Tokens.Blocks.Select(b => b.KeptMerge).ToArray());
Console.WriteLine($"learned schedule, to paste into FashionViT.cmodel: {search.Tokens.Schedule()}");

// 3. Uniform rates around the same MACs: r tokens merged in every block, for the two values of
// r whose costs bracket the learned schedule's.
double MacsOf(long[] prune, long[] merge)
{
    search.Tokens.Fix(prune, merge);
    search.eval();
    using var noGrad = no_grad();
    using var scope = NewDisposeScope();
    search.forward(zeros(1, 1, 28, 28));
    return search.Tokens.ExpectedMacs().item<double>();
}
var learnedMacs = MacsOf(learned.Prune, learned.Merge);
var tokens = 50L;
var blocks = learned.Prune.Length;
(long[] Prune, long[] Merge) Uniform(int r) =>
    (Enumerable.Repeat(tokens, blocks).ToArray(), Enumerable.Range(1, blocks).Select(i => Math.Max(1, tokens - (long)i * r)).ToArray());
var r = Enumerable.Range(0, (int)tokens).Last(k => MacsOf(Uniform(k).Prune, Uniform(k).Merge) >= learnedMacs);

// 4. Accuracy and CPU inference speed (batch 64), without fine-tuning. Speeds are timed in
// interleaved rounds (every schedule once per round, 7 rounds, the median kept), so a passing
// slowdown of the machine does not favour one of them.
double Accuracy(nn.Module<Tensor, Tensor> model) => Trainer.Evaluate(model, testLoader, CPU).Top1;
var schedules = new List<(string Name, nn.Module<Tensor, Tensor> Model, long[]? Prune, long[]? Merge)>
{
    ("full", full, null, null),
    ("learned (DiffRate)", search, learned.Prune, learned.Merge),
};
foreach (var k in new[] { r, r + 1 })
{
    var uniform = Uniform(k);
    schedules.Add(($"uniform (merge {k}/block)", search, uniform.Prune, uniform.Merge));
}
void Use(int i)
{
    var (_, _, prune, merge) = schedules[i];
    if (prune != null) search.Tokens.Fix(prune, merge!);
}
var rows = new List<(string Name, double Top1, double Macs, double Speed, string Schedule)>();
for (var i = 0; i < schedules.Count; i++)
{
    Use(i);
    var macs = schedules[i].Prune == null ? FashionViT.Macs : MacsOf(schedules[i].Prune!, schedules[i].Merge!);
    rows.Add((schedules[i].Name, Accuracy(schedules[i].Model), macs, 0, schedules[i].Prune == null ? "all 50 tokens" : search.Tokens.Schedule()));
}
var speeds = schedules.Select(_ => new List<double>()).ToList();
using (var batch = test.Images.narrow(0, 0, 64).clone())
using (no_grad())
{
    full.eval();
    search.eval();
    for (var round = 0; round < 8; round++)
    {
        for (var i = 0; i < schedules.Count; i++)
        {
            Use(i);
            var model = schedules[i].Model;
            // Every forward's intermediate tensors are freed with its scope, not left to the GC.
            for (var w = 0; w < 3; w++)
            {
                using var scope = NewDisposeScope();
                model.forward(batch);
            }
            var clock = Stopwatch.StartNew();
            for (var n = 0; n < 10; n++)
            {
                using var scope = NewDisposeScope();
                model.forward(batch);
            }
            if (round > 0) speeds[i].Add(10 * 64 / clock.Elapsed.TotalSeconds);
        }
    }
}
for (var i = 0; i < rows.Count; i++) rows[i] = rows[i] with { Speed = speeds[i].OrderBy(v => v).ElementAt(speeds[i].Count / 2) };

Console.WriteLine();
Console.WriteLine($"{"model",-24} {"top-1",8} {"MMACs",8} {"of full",8} {"images/s",9} {"speedup",8} {"speedup / MACs ratio",21}");
foreach (var row in rows)
{
    var ratio = FashionViT.Macs / row.Macs;
    var speedup = row.Speed / rows[0].Speed;
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-24} {1,8:P2} {2,8:F2} {3,8:P1} {4,9:F0} {5,8:F2} {6,21:F2}",
        row.Name, row.Top1, row.Macs / 1e6, row.Macs / FashionViT.Macs, row.Speed, speedup, speedup / ratio));
}
foreach (var row in rows.Skip(1)) Console.WriteLine($"{row.Name}: {row.Schedule}");
