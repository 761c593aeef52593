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
// of its MACs (pruning and merging, and merging alone), then compare without fine-tuning: full,
// learned rates, and uniform rates (the same number of tokens merged in every block, as ToMe
// does) at the same MACs.
//   dotnet run -c Release [-- --data DIR | --subset] [--epochs N] [--search-epochs N]
// The full Fashion-MNIST (Debian's dataset-fashion-mnist) is used when present; trained
// weights are kept in diffrate-work/ so a rerun skips the finished stages.
var arguments = new ProgramArguments(args);
var epochs = arguments.Int("--epochs", 6);
var searchEpochs = arguments.Int("--search-epochs", 2);
var searchLr = arguments.Double("--search-lr", 0.05);
var warmupEpochs = arguments.Int("--warmup-epochs", 0);
var work = Directory.CreateDirectory("diffrate-work").FullName;

var (train, test) = arguments.LoadFashionMnist();
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
        augment: Augmentations.CropAndFlip(2)), testLoader);
    PyTorchWeights.Save(full, weights);
}

// 2. Learn the rates on the frozen network, twice: pruning and merging (DiffRate), and merging
// alone (as the uniform schedules do). Only the rate logits train.
(long[] Prune, long[] Merge) Search(nn.Module<Tensor, Tensor> model, TokenState tokens)
{
    var report = PyTorchWeights.Load(model, weights, strict: false);
    Console.WriteLine($"{model.GetType().Name}: {report.Loaded.Count} tensors from the trained ViT; new: {string.Join(", ", report.Missing)}");
    foreach (var (name, p) in model.named_parameters())
        if (!name.EndsWith("_logits", StringComparison.Ordinal)) p.requires_grad_(false);
    var trainer = new Trainer(new TrainerOptions
    {
        Epochs = searchEpochs,
        Optimizer = new OptimizerSpec.AdamW(Lr: searchLr, Decay: 0),
        Schedule = new LearningRateSchedule.Cosine(FinalFactor: 0.1),
        Seed = 1,
    });
    tokens.WarmupEpochs = warmupEpochs;
    trainer.Fit(model, new BatchLoader(train, 128, shuffle: true, seed: 1), testLoader);
    Console.WriteLine($"learned schedule, to paste into FashionViT.cmodel: {tokens.Schedule()}");
    return (tokens.Blocks.Select(b => b.KeptPrune).ToArray(), tokens.Blocks.Select(b => b.KeptMerge).ToArray());
}
using var search = new FashionViTSearch();
var learned = Search(search, search.Tokens);
using var mergeSearch = new FashionViTMergeSearch();
var learnedMerge = Search(mergeSearch, mergeSearch.Tokens);

// 3. Uniform rates around the target: r tokens merged in every block, for the two values of r
// whose costs bracket half of the full MACs. Every fixed schedule runs on the search model
// (its weights are the trained ViT's).
double MacsOf(long[] prune, long[] merge)
{
    search.Tokens.Fix(prune, merge);
    search.eval();
    using var noGrad = no_grad();
    using var scope = NewDisposeScope();
    search.forward(zeros(1, 1, 28, 28));
    return search.Tokens.ExpectedMacs().item<double>();
}
var tokens = 50L;
var blocks = learned.Prune.Length;
(long[] Prune, long[] Merge) Uniform(int r) =>
    (Enumerable.Repeat(tokens, blocks).ToArray(), Enumerable.Range(1, blocks).Select(i => Math.Max(1, tokens - (long)i * r)).ToArray());
var r = Enumerable.Range(0, (int)tokens).Last(k => MacsOf(Uniform(k).Prune, Uniform(k).Merge) >= FashionViT.Macs / 2.0);

// 4. Accuracy and CPU inference speed (batch 64), without fine-tuning.
var schedules = new List<(string Name, long[]? Prune, long[]? Merge)>
{
    ("full", null, null),
    ("learned: prune + merge", learned.Prune, learned.Merge),
    ("learned: merge", learnedMerge.Prune, learnedMerge.Merge),
    ($"uniform: merge {r}/block", Uniform(r).Prune, Uniform(r).Merge),
    ($"uniform: merge {r + 1}/block", Uniform(r + 1).Prune, Uniform(r + 1).Merge),
};
nn.Module<Tensor, Tensor> Use(int i)
{
    var (_, prune, merge) = schedules[i];
    if (prune == null) return full;
    search.Tokens.Fix(prune, merge!);
    return search;
}

// Which test images each schedule classifies correctly, for accuracy and paired comparisons.
bool[] Correct(nn.Module<Tensor, Tensor> model)
{
    model.eval();
    using var noGrad = no_grad();
    var correct = new List<bool>();
    foreach (var batch in testLoader.Epoch(0, CPU))
    {
        using var scope = NewDisposeScope();
        correct.AddRange(model.forward(batch.Inputs).argmax(1).eq(batch.Targets).data<bool>().ToArray());
    }
    return correct.ToArray();
}
var rows = new List<(string Name, bool[] Correct, double Macs, double Speed, string Schedule)>();
for (var i = 0; i < schedules.Count; i++)
{
    var model = Use(i);
    var macs = schedules[i].Prune == null ? FashionViT.Macs : MacsOf(schedules[i].Prune!, schedules[i].Merge!);
    rows.Add((schedules[i].Name, Correct(model), macs, 0, schedules[i].Prune == null ? "all 50 tokens" : search.Tokens.Schedule()));
}

// Speeds are timed in interleaved rounds (every schedule once per round, 11 rounds, the median
// kept), so a passing slowdown of the machine does not favour one of them. Every forward's
// intermediate tensors are freed with its scope, and freed memory stays in the heap, as in training.
Allocator.KeepFreedMemory();
var speeds = schedules.Select(_ => new List<double>()).ToList();
using (var batch = test.Images.narrow(0, 0, 64).clone())
using (no_grad())
{
    full.eval();
    search.eval();
    for (var round = 0; round < 12; round++)
    {
        for (var i = 0; i < schedules.Count; i++)
        {
            var model = Use(i);
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
Console.WriteLine($"{"model",-26} {"top-1",8} {"MMACs",8} {"of full",8} {"images/s",9} {"speedup",8} {"speedup / MACs ratio",21}");
foreach (var row in rows)
{
    var ratio = FashionViT.Macs / row.Macs;
    var speedup = row.Speed / rows[0].Speed;
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-26} {1,8:P2} {2,8:F2} {3,8:P1} {4,9:F0} {5,8:F2} {6,21:F2}",
        row.Name, row.Correct.Count(c => c) / (double)row.Correct.Length, row.Macs / 1e6, row.Macs / FashionViT.Macs, row.Speed, speedup, speedup / ratio));
}
foreach (var row in rows.Skip(1)) Console.WriteLine($"{row.Name}: {row.Schedule}");

// Paired comparison on the same test images: where two schedules disagree, how often each is
// right, and McNemar's χ² (with continuity correction): above 3.84 the two differ at the 5% level.
static double McNemar(int b, int c) => b + c == 0 ? 0 : Math.Pow(Math.Max(0, Math.Abs(b - c) - 1), 2) / (b + c);
Console.WriteLine();
foreach (var learnedRow in rows.Skip(1).Take(2))
{
    foreach (var uniformRow in rows.Skip(3))
    {
        var onlyLearned = learnedRow.Correct.Zip(uniformRow.Correct).Count(p => p.First && !p.Second);
        var onlyUniform = learnedRow.Correct.Zip(uniformRow.Correct).Count(p => !p.First && p.Second);
        Console.WriteLine($"{learnedRow.Name} vs {uniformRow.Name}: {onlyLearned} images right only with the learned rates, " +
            $"{onlyUniform} only with the uniform ones (McNemar χ² = {McNemar(onlyLearned, onlyUniform):0.00})");
    }
}
