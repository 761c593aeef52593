using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Dsl.Runtime.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Detection;

/// <summary>
/// A detector's training, as DETR's: AdamW (learning rate 1e-4, the backbone's parameters at
/// 1e-5, weight decay 1e-4), gradients clipped to norm 0.1, the set loss, shuffled batches; AP
/// on a test set after every epoch. A detector whose heads see every decoder layer (outputs
/// [B, L, Q, ·], from <c>stack</c> in the decoder) adds DETR's auxiliary losses: the set loss of
/// each earlier layer, matched on its own, with the same weights.
/// </summary>
public sealed record DetectionOptions(
    int Epochs,
    int BatchSize = 16,
    double LearningRate = 1e-4,
    double BackboneLearningRate = 1e-5,
    double WeightDecay = 1e-4,
    double ClipNorm = 0.1,
    long Seed = 0,
    string Device = "auto",
    string BackbonePrefix = "backbone.");

/// <summary>One epoch of a detector's training: the mean loss, the set loss's terms, the test AP, and the mean L_DRD (0 without distillation).</summary>
public sealed record DetectionEpoch(int Epoch, double Loss, SetLosses Terms, DetectionMetrics Test, double Seconds, double Drd);

public sealed class DetectionTrainer
{
    private readonly TextWriter _output;

    public DetectionTrainer(DetectionOptions options, TextWriter? output = null) => (Options, _output) = (options, output ?? Console.Out);

    public DetectionOptions Options { get; }

    public IReadOnlyList<DetectionEpoch> Fit<TOutput>(nn.Module<Tensor, TOutput> model, DetectionData train, DetectionData test, SetCriterion? criterion = null)
        where TOutput : INamedTensors
    {
        criterion ??= new SetCriterion();
        // A @distill(method: drd) detector adds L_DRD on its named features, from the same pass.
        var distillation = (model as IDistilledDetector)?.Distillation;
        var taps = model as IFeatureTaps<TOutput>;
        var device = Devices.Resolve(Options.Device);
        manual_seed(Options.Seed);
        model.to(device);
        var named = model.named_parameters().ToList();
        var backbone = named.Where(p => p.name.StartsWith(Options.BackbonePrefix, StringComparison.Ordinal)).Select(p => p.parameter).ToList();
        var rest = named.Where(p => !p.name.StartsWith(Options.BackbonePrefix, StringComparison.Ordinal)).Select(p => p.parameter).ToList();
        var groups = new List<AdamW.ParamGroup> { new(rest, new AdamW.Options { LearningRate = Options.LearningRate }) };
        if (backbone.Count > 0) groups.Add(new AdamW.ParamGroup(backbone, new AdamW.Options { LearningRate = Options.BackboneLearningRate }));
        using var optimizer = optim.AdamW(groups, Options.LearningRate, weight_decay: Options.WeightDecay);
        var history = new List<DetectionEpoch>();
        for (var epoch = 0; epoch < Options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            model.train();
            double loss = 0, ce = 0, l1 = 0, giou = 0, drdSum = 0;
            var steps = 0;
            using (var order = randperm(train.Count, generator: new Generator((ulong)(Options.Seed + epoch))))
            {
                var indices = order.data<long>().ToArray();
                for (var start = 0; start + Options.BatchSize <= indices.Length; start += Options.BatchSize)
                {
                    using var scope = NewDisposeScope();
                    var batch = indices.Skip(start).Take(Options.BatchSize).ToArray();
                    var images = train.Images.index_select(0, tensor(batch)).to(device);
                    var targets = batch.Select(i => train.Targets[(int)i]).ToList();
                    TOutput outputs;
                    INamedTensors? features = null;
                    if (distillation != null && taps != null) (outputs, features) = taps.ForwardWithFeatures(images);
                    else outputs = model.forward(images);
                    var (total, terms) = SetLoss(criterion, outputs, targets);
                    if (features != null && distillation!.Term(images, outputs, features, targets) is { } drd)
                    {
                        total = total + drd;
                        drdSum += distillation.LastLoss;
                    }
                    optimizer.zero_grad();
                    total.backward();
                    if (Options.ClipNorm > 0) nn.utils.clip_grad_norm_(model.parameters(), Options.ClipNorm);
                    optimizer.step();
                    (loss, ce, l1, giou) = (loss + total.item<float>(), ce + terms.Classification, l1 + terms.BoxL1, giou + terms.Giou);
                    steps++;
                }
            }
            var metrics = Evaluate(model, test, device);
            var n = Math.Max(1, steps);
            var result = new DetectionEpoch(epoch, loss / n, new SetLosses(ce / n, l1 / n, giou / n), metrics, clock.Elapsed.TotalSeconds, drdSum / n);
            history.Add(result);
            _output.WriteLine($"epoch {epoch + 1}/{Options.Epochs}: loss {result.Loss:0.###} (ce {result.Terms.Classification:0.###}, L1 {result.Terms.BoxL1:0.###}, GIoU {result.Terms.Giou:0.###}, DRD {result.Drd:0.###})  " +
                              $"AP {metrics.Ap:P1}, AP50 {metrics.Ap50:P1}, AP75 {metrics.Ap75:P1}  ({result.Seconds:0} s)");
        }
        return history;
    }

    /// <summary>The set loss of the last decoder layer plus, for heads that see every layer, each earlier layer's (DETR's auxiliary losses); the terms are the last layer's.</summary>
    public static (Tensor Loss, SetLosses Terms) SetLoss(SetCriterion criterion, INamedTensors outputs, IReadOnlyList<DetectionTarget> targets)
    {
        var layers = DecoderLayers(outputs);
        var (total, terms, _) = criterion.Compute(layers[^1].Logits, layers[^1].Boxes, targets);
        foreach (var (logits, boxes) in layers.Take(layers.Count - 1))
            total = total + criterion.Compute(logits, boxes, targets).Loss;
        return (total, terms);
    }

    /// <summary>The last decoder layer's class logits [B, Q, C + 1] and boxes [B, Q, 4] among a detector's named outputs.</summary>
    public static (Tensor Logits, Tensor Boxes) Heads(INamedTensors outputs) => DecoderLayers(outputs)[^1];

    /// <summary>The logits and boxes of every decoder layer the heads see, the last one last: one for outputs [B, Q, ·], L for [B, L, Q, ·].</summary>
    public static IReadOnlyList<(Tensor Logits, Tensor Boxes)> DecoderLayers(INamedTensors outputs)
    {
        var named = outputs.Named.ToDictionary(n => n.Name, n => n.Tensor);
        if (!named.TryGetValue("logits", out var logits) || !named.TryGetValue("boxes", out var boxes))
            throw new ArgumentException($"a detector's outputs are named logits and boxes (output logits: ..., boxes: ...), not {string.Join(", ", named.Keys)}");
        if (logits.dim() != boxes.dim() || logits.dim() is not (3 or 4))
            throw new ArgumentException($"a detector's logits and boxes are [B, Q, ·], or [B, L, Q, ·] for every decoder layer, not {Shape(logits)} and {Shape(boxes)}");
        if (logits.dim() == 3) return new[] { (logits, boxes) };
        return Enumerable.Range(0, (int)logits.shape[1]).Select(l => (logits.select(1, l), boxes.select(1, l))).ToList();
    }

    /// <summary>The last decoder layer's slice of a feature that the heads see per layer ([B, L, Q, d] → [B, Q, d]).</summary>
    public static Tensor LastLayer(Tensor feature) => feature.dim() == 4 ? feature.select(1, -1) : feature;

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

    /// <summary>Every query's prediction: its most likely class other than "no object", that probability as the score, its box in pixels.</summary>
    public static IEnumerable<LabelledBox> Predictions(Tensor logits, Tensor boxes, int firstImage, int width, int height)
    {
        using var scope = NewDisposeScope();
        var probabilities = logits.softmax(-1).narrow(-1, 0, logits.shape[^1] - 1).to(CPU);
        var (scores, labels) = probabilities.max(-1);
        var corners = Boxes.CentreToCorners(boxes.to(CPU));
        var s = scores.data<float>().ToArray();
        var l = labels.data<long>().ToArray();
        var c = corners.contiguous().data<float>().ToArray();
        var (batch, queries) = ((int)logits.shape[0], (int)logits.shape[1]);
        var result = new List<LabelledBox>();
        for (var b = 0; b < batch; b++)
        for (var q = 0; q < queries; q++)
        {
            var i = b * queries + q;
            result.Add(new LabelledBox(firstImage + b, (int)l[i], c[4 * i] * width, c[4 * i + 1] * height, c[4 * i + 2] * width, c[4 * i + 3] * height, s[i]));
        }
        return result;
    }

    /// <summary>COCO's AP of a detector on a set, in eval mode.</summary>
    public static DetectionMetrics Evaluate<TOutput>(nn.Module<Tensor, TOutput> model, DetectionData data, Device device, int batch = 64) where TOutput : INamedTensors
    {
        model.eval();
        using var noGrad = no_grad();
        var (height, width) = ((int)data.Images.shape[2], (int)data.Images.shape[3]);
        var predictions = new List<LabelledBox>();
        for (var start = 0; start < data.Count; start += batch)
        {
            using var scope = NewDisposeScope();
            var images = data.Images.narrow(0, start, Math.Min(batch, data.Count - start)).to(device);
            var (logits, boxes) = Heads(model.forward(images));
            predictions.AddRange(Predictions(logits, boxes, (int)start, width, height));
        }
        var truths = data.Targets.SelectMany((t, i) => t.Labelled(i, width, height));
        return AveragePrecision.Evaluate(predictions, truths);
    }
}
