using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Runtime.Detection;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// Q-DETR's distribution rectification distillation (DRD), upper level: foreground-aware query
/// matching and the loss on the matched decoder features. For each ground-truth box i, G_i is
/// the best GIoU any student query's box reaches with it; a student query is kept when its GIoU
/// with some box exceeds τ·G_i; each kept query is matched to the teacher query maximising
/// μ₁·GIoU − μ₂·|b_S − b_T|₁ of their boxes; L_DRD is the mean L2 distance between the matched
/// student and teacher features. (The lower level, rectifying the student's queries to maximum
/// entropy, is the <c>query_rectify</c> layer the student declares.)
/// </summary>
public static class DistributionRectification
{
    /// <summary>The student queries kept for one image: boxes [Q, 4] and ground truth [k, 4], both (cx, cy, w, h).</summary>
    public static bool[] ForegroundQueries(Tensor studentBoxes, Tensor truthBoxes, double tau)
    {
        var queries = (int)studentBoxes.shape[0];
        if (truthBoxes.shape[0] == 0) return new bool[queries];
        using var scope = NewDisposeScope();
        var giou = Boxes.GeneralisedIou(Boxes.CentreToCorners(studentBoxes.detach().to(CPU)), Boxes.CentreToCorners(truthBoxes.to(CPU)));
        var best = giou.amax(new long[] { 0 }, keepdim: true);
        var kept = giou.gt(best * tau).any(1);
        return kept.data<bool>().ToArray();
    }

    /// <summary>For each student query, the teacher query whose box maximises μ₁·GIoU − μ₂·L1 with its box.</summary>
    public static long[] MatchToTeacher(Tensor studentBoxes, Tensor teacherBoxes, double mu1, double mu2)
    {
        using var scope = NewDisposeScope();
        var (s, t) = (studentBoxes.detach().to(CPU), teacherBoxes.detach().to(CPU));
        var score = mu1 * Boxes.GeneralisedIou(Boxes.CentreToCorners(s), Boxes.CentreToCorners(t)) - mu2 * cdist(s, t, p: 1);
        return score.argmax(1).data<long>().ToArray();
    }

    /// <summary>
    /// L_DRD over a batch: student and teacher features [B, Q, d], their boxes [B, Q, 4], the
    /// targets; 0 (a tensor) when no query is kept.
    /// </summary>
    public static Tensor Loss(Tensor studentFeatures, Tensor teacherFeatures, Tensor studentBoxes, Tensor teacherBoxes,
        IReadOnlyList<DetectionTarget> targets, double tau, double mu1, double mu2)
    {
        var pairs = new List<Tensor>();
        for (var b = 0; b < targets.Count; b++)
        {
            var kept = ForegroundQueries(studentBoxes[b], targets[b].BoxTensor(), tau);
            var match = MatchToTeacher(studentBoxes[b], teacherBoxes[b], mu1, mu2);
            var rows = Enumerable.Range(0, kept.Length).Where(q => kept[q]).ToArray();
            if (rows.Length == 0) continue;
            var device = studentFeatures.device;
            var student = studentFeatures[b].index_select(0, tensor(rows.Select(r => (long)r).ToArray(), device: device));
            var teacher = teacherFeatures[b].index_select(0, tensor(rows.Select(r => match[r]).ToArray(), device: device)).detach();
            pairs.Add((student - teacher).square().sum(-1).add(1e-12).sqrt());
        }
        return pairs.Count == 0 ? zeros(new long[0], device: studentFeatures.device) : cat(pairs, 0).mean();
    }
}
