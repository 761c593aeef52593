using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Dsl.Runtime.Checkpoints;
using Dsl.Runtime.Data;
using Dsl.Runtime.Training;
using static TorchSharp.torch;

namespace Dsl.Runtime.Gan;

/// <summary>
/// Trains a GAN recipe over epochs of image pairs: one dispose scope per step, the mean of each
/// loss per epoch, a checkpoint of every model and optimizer after each epoch (and a resume from
/// it), and a PNG grid of fixed sources, their translations and targets after each epoch.
/// </summary>
public sealed class GanTrainer
{
    private readonly TextWriter _output;

    public GanTrainer(GanOptions options, TextWriter? output = null)
    {
        Options = options;
        _output = output ?? Console.Out;
    }

    public GanOptions Options { get; }

    /// <param name="samples">Sources and targets drawn in the grid after each epoch (say 8 test pairs).</param>
    public GanSummary Fit(GanRecipe recipe, ImagePairs train, (Tensor Sources, Tensor Targets)? samples = null)
    {
        var device = Devices.Resolve(Options.Device);
        // Seeded before the parts are made, so adapters a distiller creates start alike in every run.
        manual_seed(Options.Seed);
        using (var probe = train.Sources.narrow(0, 0, Math.Min(2, train.Sources.shape[0])).to(device)) recipe.Prepare(device, probe);
        var parts = recipe.Parts;
        var firstEpoch = 0;
        long step = 0;
        if (Options.CheckpointPath is { } path && File.Exists(path))
        {
            var state = Checkpoint.Load(path, parts[0].Module, parts[0].Optimizer, parts.Skip(1).Select(p => (p.Module, p.Optimizer)).ToList());
            (firstEpoch, step) = (state.EpochsDone, state.Steps);
            _output.WriteLine($"resumed from {path} after epoch {firstEpoch}");
        }
        var history = new List<IReadOnlyDictionary<string, double>>();
        var clock = Stopwatch.StartNew();
        for (var epoch = firstEpoch; epoch < Options.Epochs; epoch++)
        {
            var sums = new Dictionary<string, double>();
            var steps = 0;
            var epochClock = Stopwatch.StartNew();
            using (var batches = train.Batches(Options.BatchSize, Options.Seed + epoch, device).GetEnumerator())
            {
                while (true)
                {
                    using var scope = NewDisposeScope();
                    if (!batches.MoveNext()) break;
                    var (source, target) = batches.Current;
                    foreach (var (name, value) in recipe.Step(source, target)) sums[name] = sums.GetValueOrDefault(name) + value;
                    steps++;
                    step++;
                }
            }
            var means = sums.ToDictionary(kv => kv.Key, kv => kv.Value / Math.Max(1, steps));
            history.Add(means);
            _output.WriteLine($"epoch {epoch + 1}/{Options.Epochs}: {string.Join("  ", means.Select(kv => $"{kv.Key} {kv.Value:0.####}"))}  ({epochClock.Elapsed.TotalSeconds:0} s)");
            if (samples is { } s && Options.SamplesFolder is { } folder)
            {
                Directory.CreateDirectory(folder);
                using var scope = NewDisposeScope();
                var sources = s.Sources.to(device);
                ImageGrid.Save(Path.Combine(folder, $"epoch-{epoch + 1:000}.png"), new[] { s.Sources, recipe.Translate(sources), s.Targets });
            }
            if (Options.CheckpointPath is { } checkpoint)
                Checkpoint.Save(checkpoint, parts[0].Module, parts[0].Optimizer,
                    new CheckpointState(parts[0].Module.GetType().Name, epoch + 1, step, Options.Seed, Array.Empty<EpochResult>()),
                    parts.Skip(1).Select(p => (p.Module, p.Optimizer)).ToList());
        }
        return new GanSummary(device.ToString(), train.Source, step, clock.Elapsed.TotalSeconds, history);
    }
}

/// <summary>What a GAN run did: where, on what, how many steps in how long, and each epoch's mean losses.</summary>
public sealed record GanSummary(string Device, string Data, long Steps, double Seconds, IReadOnlyList<IReadOnlyDictionary<string, double>> Epochs);
