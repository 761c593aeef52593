using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Dsl.Runtime.Detection;

/// <summary>
/// DETR's set-prediction loss. Each image's predictions are matched one-to-one to its objects by
/// the assignment that minimises <see cref="ClassCost"/>·(−p(class)) + <see cref="BoxCost"/>·|b − b̂|₁
/// + <see cref="GiouCost"/>·(−GIoU); then cross-entropy over every query (unmatched ones
/// learn "no object", the last class, weighted <see cref="NoObjectWeight"/>), and over the matched
/// pairs the L1 and 1 − GIoU of the boxes, each summed and divided by the number of objects in the
/// batch. Weights as DETR's: 1, 5, 2 for the costs and the losses, no-object 0.1.
/// </summary>
public sealed class SetCriterion
{
    public double ClassCost { get; init; } = 1;
    public double BoxCost { get; init; } = 5;
    public double GiouCost { get; init; } = 2;
    public double NoObjectWeight { get; init; } = 0.1;
    public double ClassWeight { get; init; } = 1;
    public double BoxWeight { get; init; } = 5;
    public double GiouWeight { get; init; } = 2;

    /// <summary>For each image, the (query, object) pairs of the optimal matching.</summary>
    /// <param name="logits">[B, Q, C + 1], the last class "no object".</param>
    /// <param name="boxes">[B, Q, 4] as (cx, cy, w, h) in [0, 1].</param>
    public IReadOnlyList<(int Query, int Object)[]> Match(Tensor logits, Tensor boxes, IReadOnlyList<DetectionTarget> targets)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var matches = new List<(int, int)[]>();
        for (var b = 0; b < targets.Count; b++)
        {
            var target = targets[b];
            if (target.Count == 0)
            {
                matches.Add(Array.Empty<(int, int)>());
                continue;
            }
            var probabilities = logits[b].softmax(-1).to(CPU);
            var predicted = boxes[b].to(CPU);
            var truth = target.BoxTensor();
            var classes = tensor(target.Classes);
            var cost = -ClassCost * probabilities.index_select(1, classes)
                       + BoxCost * cdist(predicted, truth, p: 1)
                       - GiouCost * Boxes.GeneralisedIou(Boxes.CentreToCorners(predicted), Boxes.CentreToCorners(truth));
            var values = cost.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
            var (q, k) = ((int)cost.shape[0], (int)cost.shape[1]);
            var matrix = new double[q, k];
            for (var i = 0; i < q; i++)
            for (var j = 0; j < k; j++) matrix[i, j] = values[i * k + j];
            matches.Add(Assignment.Solve(matrix));
        }
        return matches;
    }

    /// <summary>The weighted loss and its three terms, with the matching it used.</summary>
    public (Tensor Loss, SetLosses Terms, IReadOnlyList<(int Query, int Object)[]> Matches) Compute(Tensor logits, Tensor boxes, IReadOnlyList<DetectionTarget> targets)
    {
        if (logits.shape[0] != targets.Count) throw new ArgumentException($"{logits.shape[0]} images of predictions but {targets.Count} targets");
        var matches = Match(logits, boxes, targets);
        var (batch, queries, classes) = (logits.shape[0], logits.shape[1], logits.shape[2]);
        var device = logits.device;
        var noObject = classes - 1;
        var wanted = full(new long[] { batch, queries }, noObject, ScalarType.Int64);
        var predictedBoxes = new List<Tensor>();
        var truthBoxes = new List<Tensor>();
        for (var b = 0; b < batch; b++)
        {
            foreach (var (query, obj) in matches[b]) wanted[b, query] = targets[b].Classes[obj];
            if (matches[b].Length == 0) continue;
            var queryIndex = tensor(matches[b].Select(m => (long)m.Query).ToArray(), device: device);
            var objectIndex = tensor(matches[b].Select(m => (long)m.Object).ToArray());
            predictedBoxes.Add(boxes[b].index_select(0, queryIndex));
            truthBoxes.Add(targets[b].BoxTensor().index_select(0, objectIndex).to(device));
        }
        var weight = ones(classes, device: device);
        weight[noObject] = NoObjectWeight;
        var ce = nn.functional.cross_entropy(logits.reshape(-1, classes), wanted.to(device).reshape(-1), weight: weight);
        var objects = Math.Max(1, targets.Sum(t => t.Count));
        Tensor l1, giou;
        if (predictedBoxes.Count == 0)
        {
            (l1, giou) = (zeros(new long[0], device: device), zeros(new long[0], device: device));
        }
        else
        {
            var p = cat(predictedBoxes, 0);
            var t = cat(truthBoxes, 0);
            l1 = (p - t).abs().sum() / objects;
            giou = (1 - Boxes.GeneralisedIou(Boxes.CentreToCorners(p), Boxes.CentreToCorners(t)).diagonal()).sum() / objects;
        }
        var loss = ClassWeight * ce + BoxWeight * l1 + GiouWeight * giou;
        return (loss, new SetLosses(ce.item<float>(), l1.item<float>(), giou.item<float>()), matches);
    }
}

/// <summary>The set loss's terms, unweighted: classification cross-entropy, box L1 and 1 − GIoU per object.</summary>
public sealed record SetLosses(double Classification, double BoxL1, double Giou);
