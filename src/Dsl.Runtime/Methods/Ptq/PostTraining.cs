using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Ptq;

/// <summary>What a calibration did: the layers it set up, the inputs it ran, and how long watching and selecting took.</summary>
public sealed record CalibrationReport(int Layers, long Samples, double ObserveSeconds, double SelectSeconds);

/// <summary>
/// Post-training quantization of a trained model's @ptq layers: run calibration inputs through
/// the full-precision model while every layer records its inputs, then let each layer fix its
/// quantizer (DFSQ's point selection, or a uniform range). No weight changes; no gradients.
/// </summary>
public static class PostTraining
{
    /// <summary>The model's @ptq layers, in module order.</summary>
    public static IReadOnlyList<PtqLayer> Layers(nn.Module model) => model.modules().OfType<PtqLayer>().ToList();

    /// <summary>
    /// Whether a state-dict key is what calibration writes (a @ptq layer's flag and its input
    /// quantizer's buffers), so a full-precision checkpoint lacks it and loads into the model anyway.
    /// </summary>
    public static bool IsCalibrationState(string key) =>
        key.EndsWith(".calibrated", StringComparison.Ordinal) || key.Contains(".input_quant.", StringComparison.Ordinal);

    /// <summary>Whether every @ptq layer of the model is calibrated (and the model has some).</summary>
    public static bool IsCalibrated(nn.Module model) => Layers(model) is { Count: > 0 } layers && layers.All(l => l.Calibrated);

    /// <summary>
    /// Calibrates every @ptq layer of <paramref name="model"/> on <paramref name="batches"/> of its
    /// input, using as many samples as the layers' <c>samples</c> setting asks (the largest) and no
    /// more; <paramref name="progress"/> hears a line per batch and per layer.
    /// </summary>
    public static CalibrationReport Calibrate(nn.Module<Tensor, Tensor> model, IEnumerable<Tensor> batches, int seed = 0, IProgress<string>? progress = null)
    {
        var layers = Layers(model);
        if (layers.Count == 0) throw new ArgumentException("the model has no @ptq layers to calibrate", nameof(model));
        var wanted = layers.Max(l => l.Options.Samples);
        var wasTraining = model.training;
        model.eval();
        var clock = Stopwatch.StartNew();
        using var generator = new Generator((ulong)seed);
        long seen = 0;
        try
        {
            foreach (var layer in layers) (layer.Observing, layer.ObservationDraws) = (true, generator);
            using var noGrad = no_grad();
            foreach (var batch in batches)
            {
                var take = Math.Min(batch.shape[0], wanted - seen);
                using var scope = NewDisposeScope();
                model.forward(batch.narrow(0, 0, take));
                seen += take;
                progress?.Report($"calibration inputs {seen}/{wanted}");
                if (seen >= wanted) break;
            }
        }
        finally
        {
            foreach (var layer in layers) (layer.Observing, layer.ObservationDraws) = (false, null);
            model.train(wasTraining);
        }
        if (seen == 0) throw new ArgumentException("calibration needs at least one input, and the batches were empty", nameof(batches));
        var observed = clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (var i = 0; i < layers.Count; i++)
        {
            layers[i].Finish(seed + 7919 * i);
            progress?.Report($"layer {i + 1}/{layers.Count} calibrated ({layers[i].Options.Method}, W{layers[i].Options.WeightBits}A{layers[i].Options.ActivationBits})");
        }
        return new CalibrationReport(layers.Count, seen, observed, clock.Elapsed.TotalSeconds);
    }
}
