using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Dsl.Runtime;
using Dsl.Runtime.Data;
using Dsl.Runtime.Distributed;
using Dsl.Runtime.Training;
using Dsl.Runtime.Weights;
using static TorchSharp.torch;

namespace Dsl.Cli;

/// <summary>`cmodel train FILE --model NAME`: trains a model of a .cmodel file on Fashion-MNIST.</summary>
internal static class TrainCommand
{
    public const string Usage = "cmodel train FILE [--model NAME] [--data DIR | --full] [--epochs N] [--batch-size N] [--lr X] [--device auto|cpu|cuda] [--checkpoint FILE] [--save FILE.pt|.safetensors] [--seed N] [--ranks K] [--lib FILE]...";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = VerbArguments.Parse(args, new[] { "model", "data", "epochs", "batch-size", "lr", "device", "checkpoint", "save", "seed", "ranks" }, new[] { "full" }, out var problem);
        if (parsed == null) return Fail(stderr, problem);
        var options = parsed.Options;
        var (file, full) = (parsed.File, parsed.Flags.Contains("full"));
        if (!TryInt(options, "epochs", 5, out var epochs) || !TryInt(options, "batch-size", 128, out var batchSize) || !TryInt(options, "seed", 0, out var seed)
            || !TryInt(options, "ranks", 1, out var ranks))
            return Fail(stderr, "--epochs, --batch-size, --seed and --ranks take whole numbers");
        if (batchSize < ranks) return Fail(stderr, $"--batch-size is the global batch, shared by the ranks: at least {ranks} for --ranks {ranks}");
        Communicator? world;
        try
        {
            world = Communicator.World;
        }
        catch (DistributedException e)
        {
            return Fail(stderr, e.Message);
        }
        if (ranks > 1 && world == null)
        {
            var job = MpiLauncher.Run(ranks, WithoutRanks(args), stdout, stderr, out var launchError);
            return job ?? Fail(stderr, launchError);
        }
        // Under MPI every rank trains; rank 0 alone speaks and saves.
        if (world is { IsRoot: false }) stdout = TextWriter.Null;
        if (!double.TryParse(options.GetValueOrDefault("lr", "0.003"), NumberStyles.Float, CultureInfo.InvariantCulture, out var lr))
            return Fail(stderr, "--lr takes a number");

        var device = options.GetValueOrDefault("device", "auto");
        try
        {
            Devices.Resolve(device);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return Fail(stderr, e.Message);
        }
        var type = ModelChoice.Resolve(parsed, stderr, out var choiceError);
        if (type == null) return choiceError.Length == 0 ? CommandLine.FileErrors : Fail(stderr, choiceError);
        var modelName = type.Name;
        if (!typeof(nn.Module<Tensor, Tensor>).IsAssignableFrom(type))
            return Fail(stderr, $"{modelName} {(type.GetProperty("InputShapes") != null ? "takes several inputs" : "returns named outputs")}; cmodel train trains a classifier with one input and one output, so train it from C# (README, Training)");
        ImageClassificationData train, test;
        try
        {
            (train, test) = TrainingData.Load(options.GetValueOrDefault("data"), full);
        }
        catch (Exception e) when (e is IOException or DataFormatException)
        {
            return Fail(stderr, e.Message);
        }
        var input = InMemoryModels.Shape(type, "InputShape");
        var output = InMemoryModels.Shape(type, "OutputShape");
        var images = new long[] { -1 }.Concat(train.Images.shape.Skip(1)).ToArray();
        if (!input.SequenceEqual(images) || !output.SequenceEqual(new long[] { -1, train.Classes }))
            return Fail(stderr, $"{train.Source} needs a model from {Describe(images)} to [N, {train.Classes}]; {modelName} maps {Describe(input)} to {Describe(output)}");
        var trainerOptions = new TrainerOptions
        {
            Epochs = epochs,
            Optimizer = new OptimizerSpec.AdamW(lr, Decay: 0.05),
            Schedule = new LearningRateSchedule.Cosine(WarmupEpochs: Math.Min(1, 0.3 * epochs)),
            Seed = seed,
            Device = device,
            CheckpointPath = options.GetValueOrDefault("checkpoint"),
            Progress = stdout == Console.Out ? ProgressMode.Auto : ProgressMode.Lines,
            // K ranks end where one process does: BatchNorm sees the whole batch.
            SyncBatchNorm = true,
        };
        manual_seed(seed);
        using var model = InMemoryModels.Create(type);
        stdout.WriteLine($"training {modelName} from {file} on {train.Source}");
        var trainer = new Trainer(trainerOptions, stdout);
        // @tokens(target: ...): the rates learn with the weights; the model brings DiffRate's cost term itself.
        var tokens = type.GetProperty("Tokens")?.GetValue(model) as TokenState;
        var summary = trainer.Fit(
            model,
            new BatchLoader(train, batchSize, shuffle: true, seed, Augmentations.CropAndFlip(2)),
            new BatchLoader(test, 500, shuffle: false));
        summary.Print(stdout, terminal: stdout == Console.Out && !Console.IsOutputRedirected);
        if (tokens is { TargetMacs: > 0 }) stdout.WriteLine($"learned schedule, to paste into {Path.GetFileName(file)}: {tokens.Schedule()}");
        if (options.TryGetValue("save", out var save) && (world?.IsRoot ?? true))
        {
            PyTorchWeights.Save(model, save);
            stdout.WriteLine($"weights saved to {save}");
        }
        return CommandLine.Ok;
    }

    private static List<string> WithoutRanks(IReadOnlyList<string> args)
    {
        var kept = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--ranks") i++;
            else kept.Add(args[i]);
        }
        return kept;
    }

    private static bool TryInt(IReadOnlyDictionary<string, string> options, string name, int fallback, out int value)
    {
        value = fallback;
        return !options.TryGetValue(name, out var text) || (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value > 0 || name == "seed" && value >= 0);
    }

    private static string Describe(long[] shape) => "[" + string.Join(", ", shape.Select(d => d < 0 ? "N" : d.ToString(CultureInfo.InvariantCulture))) + "]";

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine($"cmodel train: {message}");
        stderr.WriteLine($"usage: {Usage}");
        return CommandLine.Usage;
    }
}
