using System;
using static TorchSharp.torch;

namespace Dsl.Runtime.Detection;

/// <summary>
/// Box arithmetic on [..., 4] tensors: DETR predicts (cx, cy, w, h) in [0, 1] of the image;
/// areas, IoU and generalised IoU are taken on corners (x0, y0, x1, y1).
/// </summary>
public static class Boxes
{
    public static Tensor CentreToCorners(Tensor boxes)
    {
        var (cx, cy, w, h) = Split(boxes);
        return stack(new[] { cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h }, -1);
    }

    public static Tensor CornersToCentre(Tensor boxes)
    {
        var (x0, y0, x1, y1) = Split(boxes);
        return stack(new[] { (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0 }, -1);
    }

    public static Tensor Area(Tensor corners)
    {
        var (x0, y0, x1, y1) = Split(corners);
        return (x1 - x0).clamp_min(0) * (y1 - y0).clamp_min(0);
    }

    /// <summary>IoU [N, M] and union [N, M] of every pair of corner boxes [N, 4] × [M, 4].</summary>
    public static (Tensor Iou, Tensor Union) Iou(Tensor a, Tensor b)
    {
        var areaA = Area(a).unsqueeze(1);
        var areaB = Area(b).unsqueeze(0);
        var topLeft = maximum(a.unsqueeze(1).narrow(-1, 0, 2), b.unsqueeze(0).narrow(-1, 0, 2));
        var bottomRight = minimum(a.unsqueeze(1).narrow(-1, 2, 2), b.unsqueeze(0).narrow(-1, 2, 2));
        var size = (bottomRight - topLeft).clamp_min(0);
        var intersection = size.select(-1, 0) * size.select(-1, 1);
        var union = areaA + areaB - intersection;
        return (intersection / union, union);
    }

    /// <summary>
    /// Generalised IoU [N, M] (Rezatofighi et al., 2019): IoU − (|C| − |A ∪ B|)/|C| with C the
    /// smallest box enclosing both; 1 for identical boxes, towards −1 for small boxes far apart.
    /// </summary>
    public static Tensor GeneralisedIou(Tensor a, Tensor b)
    {
        if (a.shape[^1] != 4 || b.shape[^1] != 4) throw new ArgumentException("boxes are [N, 4] corners (x0, y0, x1, y1)");
        var (iou, union) = Iou(a, b);
        var topLeft = minimum(a.unsqueeze(1).narrow(-1, 0, 2), b.unsqueeze(0).narrow(-1, 0, 2));
        var bottomRight = maximum(a.unsqueeze(1).narrow(-1, 2, 2), b.unsqueeze(0).narrow(-1, 2, 2));
        var size = (bottomRight - topLeft).clamp_min(0);
        var enclosing = size.select(-1, 0) * size.select(-1, 1);
        return iou - (enclosing - union) / enclosing;
    }

    private static (Tensor, Tensor, Tensor, Tensor) Split(Tensor boxes)
    {
        if (boxes.shape[^1] != 4) throw new ArgumentException($"boxes have 4 coordinates in their last dimension, not {boxes.shape[^1]}", nameof(boxes));
        return (boxes.select(-1, 0), boxes.select(-1, 1), boxes.select(-1, 2), boxes.select(-1, 3));
    }
}
