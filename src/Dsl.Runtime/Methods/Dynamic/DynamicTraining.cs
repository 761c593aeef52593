using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Dsl.Runtime.Data;
using Dsl.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Dynamic;

/// <summary>
/// DDA's supernet training. <see cref="Steps"/> steps; each takes <see cref="Crops"/> random crops of
/// <see cref="PatchesPerSide"/>² patches, ranks each crop's patches by the moiré prior and splits
/// them into as many groups as there are widths (the simplest at the narrowest), and trains one
/// width on its group of every crop, the widths taking turns step by step. Loss: L1 plus
/// <see cref="EdgeWeight"/> × the L1 of the Sobel gradients (MBCNN's edge term). Adam.
/// </summary>
public sealed record DynamicTrainingOptions(
    int Steps,
    int Crops = 8,
    int PatchesPerSide = 2,
    double LearningRate = 1e-3,
    double EdgeWeight = 1,
    long Seed = 0,
    string Device = "auto",
    int LogEvery = 100);

/// <summary>The mean training loss of the steps at each width.</summary>
public sealed record DynamicTrainingResult(IReadOnlyDictionary<double, double> LossAtWidth, double Seconds);

public static class DynamicTraining
{
    /// <summary>
    /// The width step <paramref name="step"/> trains, and which patches it trains it on: of each
    /// crop's patches (scores [B, k²]), those the routing gives that width.
    /// </summary>
    public static (double Width, IReadOnlyList<long> Patches) Select(double[,] scores, IReadOnlyList<double> widths, int step)
    {
        var ordered = widths.OrderBy(w => w).ToList();
        var width = ordered[step % ordered.Count];
        var (crops, perCrop) = (scores.GetLength(0), scores.GetLength(1));
        var picked = new List<long>();
        for (var c = 0; c < crops; c++)
        {
            var assigned = WidthRouting.Assign(Enumerable.Range(0, perCrop).Select(p => scores[c, p]).ToList(), ordered);
            for (var p = 0; p < perCrop; p++)
                if (assigned[p] == width) picked.Add((long)c * perCrop + p);
        }
        return (width, picked);
    }

    /// <summary>L1 plus <paramref name="edgeWeight"/> × L1 of the horizontal and vertical Sobel gradients of each channel.</summary>
    public static Tensor Loss(Tensor output, Tensor target, double edgeWeight)
    {
        using var scope = NewDisposeScope();
        var loss = nn.functional.l1_loss(output, target);
        if (edgeWeight > 0) loss = loss + edgeWeight * nn.functional.l1_loss(Sobel(output), Sobel(target));
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>The Sobel gradients of each channel of [B, C, H, W], x then y: [B, 2C, H − 2, W − 2].</summary>
    public static Tensor Sobel(Tensor images)
    {
        using var scope = NewDisposeScope();
        var channels = images.shape[1];
        var gx = tensor(new float[] { -1, 0, 1, -2, 0, 2, -1, 0, 1 }, device: images.device).reshape(1, 1, 3, 3);
        var kernels = cat(new[] { gx, gx.transpose(2, 3) }, 0).repeat(channels, 1, 1, 1);
        return nn.functional.conv2d(images, kernels.to(images.dtype), groups: channels).MoveToOuterDisposeScope();
    }

    /// <summary>The seeded start both trainings share: the model on its device in training mode, Adam over its parameters, the crops' generator.</summary>
    private static (Device Device, optim.Optimizer Optimizer, Generator Generator) Start(nn.Module model, DynamicTrainingOptions options)
    {
        var device = Devices.Resolve(options.Device);
        manual_seed(options.Seed);
        model.to(device);
        model.train();
        return (device, optim.Adam(model.parameters(), options.LearningRate), new Generator((ulong)options.Seed));
    }

    /// <summary>
    /// The baseline: a plain network of one width trained on the same loss, <see cref="DynamicTrainingOptions.Crops"/>
    /// random <paramref name="patch"/>-pixel crops a step, every step at its one width (recorded under width 1).
    /// </summary>
    public static DynamicTrainingResult FitPlain(nn.Module<Tensor, Tensor> model, MoirePairs train, long patch, DynamicTrainingOptions options, TextWriter? log = null)
    {
        log ??= Console.Out;
        var (device, optimizer, generator) = Start(model, options);
        using var disposeOptimizer = optimizer;
        using var disposeGenerator = generator;
        var (sum, clock) = (0.0, Stopwatch.StartNew());
        for (var step = 0; step < options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var (moire, clean) = train.Crops(options.Crops, patch, generator);
            var loss = Loss(model.forward(moire.to(device)), clean.to(device), options.EdgeWeight);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            sum += loss.item<float>();
            if (options.LogEvery > 0 && (step + 1) % options.LogEvery == 0)
                log.WriteLine($"step {step + 1}/{options.Steps}: loss {sum / (step + 1):0.0000}  ({clock.Elapsed.TotalSeconds:0} s)");
        }
        return new DynamicTrainingResult(new Dictionary<double, double> { [1.0] = sum / Math.Max(1, options.Steps) }, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Trains <paramref name="model"/> (a @dynamic model) on crops of <paramref name="train"/>, the widths taking turns.</summary>
    public static DynamicTrainingResult Fit<TModel>(TModel model, MoirePairs train, DynamicTrainingOptions options, TextWriter? log = null)
        where TModel : nn.Module<Tensor, Tensor>, IDynamic
    {
        log ??= Console.Out;
        var state = model.Dynamic;
        var (device, optimizer, generator) = Start(model, options);
        using var disposeOptimizer = optimizer;
        using var disposeGenerator = generator;
        var patch = state.Patch;
        var grid = new PatchGrid(patch * options.PatchesPerSide, patch * options.PatchesPerSide, patch, 0);
        var sums = state.Widths.Widths.ToDictionary(w => w, _ => (Sum: 0.0, Count: 0));
        var clock = Stopwatch.StartNew();
        for (var step = 0; step < options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var (moire, clean) = train.Crops(options.Crops, grid.Height, generator);
            var moirePatches = cat(Enumerable.Range(0, options.Crops).Select(c => grid.Cut(moire[c])).ToArray(), 0);
            var cleanPatches = cat(Enumerable.Range(0, options.Crops).Select(c => grid.Cut(clean[c])).ToArray(), 0);
            var flat = MoirePrior.Scores(moirePatches, state.Cutoff, state.ColourWeight).to(ScalarType.Float64).data<double>().ToArray();
            var scores = new double[options.Crops, grid.Count];
            for (var i = 0; i < flat.Length; i++) scores[i / grid.Count, i % grid.Count] = flat[i];
            var (width, picked) = Select(scores, state.Widths.Widths, step);
            if (picked.Count == 0) continue;
            var index = tensor(picked.ToArray());
            state.Use(model, width);
            var output = model.forward(moirePatches.index_select(0, index).to(device));
            var loss = Loss(output, cleanPatches.index_select(0, index).to(device), options.EdgeWeight);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            var value = loss.item<float>();
            sums[width] = (sums[width].Sum + value, sums[width].Count + 1);
            if (options.LogEvery > 0 && (step + 1) % options.LogEvery == 0)
                log.WriteLine($"step {step + 1}/{options.Steps}: " + string.Join(", ", sums.Where(s => s.Value.Count > 0).Select(s => $"w {s.Key}: {s.Value.Sum / s.Value.Count:0.0000}")) + $"  ({clock.Elapsed.TotalSeconds:0} s)");
        }
        state.Use(model, state.Widths.Widths[^1]);
        return new DynamicTrainingResult(sums.ToDictionary(s => s.Key, s => s.Value.Count == 0 ? double.NaN : s.Value.Sum / s.Value.Count), clock.Elapsed.TotalSeconds);
    }
}
