using System.Diagnostics;
using System.Globalization;
using Dsl.Runtime.Data;
using Dsl.Runtime.Distributed;
using Dsl.Runtime.Training;
using Dsl.Runtime.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Distributed.Tests;

/// <summary>
/// One rank of a test job: trains a model on a slice of the Fashion-MNIST subset and saves its
/// weights (rank 0), or lists the samples each rank's shard holds.
/// <code>worker MODEL --samples N --batch B --epochs E --out FILE [--checkpoint F [--stop-at-epoch K]] [--sync-bn] [--hang-at S | --die-at S]</code>
/// <code>coverage --samples N --batch B --epochs E --out DIR [--augment]</code>
/// </summary>
public static class Worker
{
    public static int Main(string[] args)
    {
        var options = Options(args.Skip(1));
        switch (args.FirstOrDefault())
        {
            case "worker":
                Train(args[1], options);
                return 0;
            case "coverage":
                Coverage(options);
                return 0;
            default:
                Console.Error.WriteLine("usage: worker MODEL ... | coverage ...");
                return 2;
        }
    }

    public static nn.Module<Tensor, Tensor> Create(string model) => model switch
    {
        "ParallelCnn" => new ParallelCnn(),
        "ParallelQuantCnn" => new ParallelQuantCnn(),
        "ParallelTokens" => new ParallelTokens(),
        "ParallelSparseCnn" => new ParallelSparseCnn(),
        "ParallelMultiBit" => new ParallelMultiBit(),
        "ParallelStudent" => Distilled(new ParallelStudent()),
        _ => throw new ArgumentException($"no model {model}"),
    };

    private static ParallelStudent Distilled(ParallelStudent student)
    {
        student.Distillation.From(new ParallelCnn());
        return student;
    }

    private static void Train(string name, Dictionary<string, string> options)
    {
        var samples = int.Parse(options["samples"], CultureInfo.InvariantCulture);
        var (train, test) = FashionMnist.Load(FashionMnist.Locate(null, full: false));
        using var slice = Slice(train, samples);
        using var testSlice = Slice(test, 40);
        // Each rank builds other initial weights: the trainer must start them all from rank 0's.
        manual_seed(7 + (Communicator.World?.Rank ?? 0));
        using var model = Create(name);
        var trainer = new Trainer(new TrainerOptions
        {
            Epochs = int.Parse(options["epochs"], CultureInfo.InvariantCulture),
            Optimizer = new OptimizerSpec.Sgd(0.05, Momentum: 0.9, Decay: 1e-4),
            Schedule = new LearningRateSchedule.Cosine(WarmupEpochs: 0),
            Seed = 3,
            Device = "cpu",
            CheckpointPath = options.GetValueOrDefault("checkpoint"),
            SyncBatchNorm = options.ContainsKey("sync-bn"),
            Progress = ProgressMode.Lines,
        });
        if (options.TryGetValue("hang-at", out var hang)) trainer.Hooks.Add(new Failure(long.Parse(hang, CultureInfo.InvariantCulture), die: false));
        if (options.TryGetValue("stop-at-epoch", out var stop)) trainer.Hooks.Add(new Interruption(int.Parse(stop, CultureInfo.InvariantCulture)));
        if (options.TryGetValue("die-at", out var die)) trainer.Hooks.Add(new Failure(long.Parse(die, CultureInfo.InvariantCulture), die: true));
        var summary = trainer.Fit(model, new BatchLoader(slice, int.Parse(options["batch"], CultureInfo.InvariantCulture), shuffle: true, seed: 5, Augmentations.CropAndFlip(2)),
            new BatchLoader(testSlice, 16, shuffle: false));
        if (Communicator.World?.IsRoot ?? true)
        {
            PyTorchWeights.Save(model, options["out"]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trained on {summary.Device}: test loss {summary.Final.TestLoss:F6}, top-1 {summary.Final.Top1:F4}"));
        }
    }

    /// <summary>Each rank writes the ids (labels 0..N−1) of the samples its shard of every batch held, one line per batch.</summary>
    private static void Coverage(Dictionary<string, string> options)
    {
        var samples = int.Parse(options["samples"], CultureInfo.InvariantCulture);
        var world = Communicator.World;
        var shard = world is null ? Shard.Whole : new Shard(world.Rank, world.Size);
        using var data = new ImageClassificationData(rand(samples, 1, 8, 8), arange(samples, dtype: int64), samples, "ids");
        var loader = new BatchLoader(data, int.Parse(options["batch"], CultureInfo.InvariantCulture), shuffle: true, seed: 11,
            options.ContainsKey("augment") ? Augmentations.CropAndFlip(1) : null);
        var lines = new List<string>();
        for (var epoch = 0; epoch < int.Parse(options["epochs"], CultureInfo.InvariantCulture); epoch++)
        {
            var step = 0;
            foreach (var batch in loader.Epoch(epoch, CPU, shard))
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{epoch} {step++} {batch.Share:R} {string.Join(',', batch.Targets.data<long>().ToArray())}"));
        }
        File.WriteAllLines(Path.Combine(options["out"], $"rank{shard.Rank}.txt"), lines);
    }

    private static ImageClassificationData Slice(ImageClassificationData data, long count) =>
        new(data.Images.narrow(0, 0, count), data.Labels.narrow(0, 0, count), data.Classes, data.Source);

    private static Dictionary<string, string> Options(IEnumerable<string> args)
    {
        var options = new Dictionary<string, string>();
        string? key = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                key = arg[2..];
                options[key] = "";
            }
            else if (key != null)
            {
                options[key] = arg;
                key = null;
            }
        }
        return options;
    }

    /// <summary>Every rank leaves at the first step of an epoch, as a job stopped by its time limit: the checkpoint of the epoch before is on disk.</summary>
    private sealed class Interruption(int epoch) : TrainingHook
    {
        public override void OnStepStart(StepContext context)
        {
            if (context.Epoch == epoch) Environment.Exit(0);
        }
    }

    /// <summary>Rank 1 hangs (a stuck machine) or is killed (a lost one) at a step.</summary>
    private sealed class Failure(long step, bool die) : TrainingHook
    {
        public override void OnStepStart(StepContext context)
        {
            if (context.Step != step || Communicator.World?.Rank != 1) return;
            if (die) Process.GetCurrentProcess().Kill();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
