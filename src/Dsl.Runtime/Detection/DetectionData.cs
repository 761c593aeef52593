using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Dsl.Runtime.Detection;

/// <summary>The objects of one image: class indices [k] and boxes [k, 4] as (cx, cy, w, h) in [0, 1] of the image, DETR's form.</summary>
public sealed record DetectionTarget(long[] Classes, float[,] Boxes)
{
    public int Count => Classes.Length;

    /// <summary>The boxes as a tensor [k, 4].</summary>
    public Tensor BoxTensor() => Count == 0 ? zeros(0, 4) : tensor(Boxes);

    /// <summary>The boxes as corners in pixels of a <paramref name="width"/>×<paramref name="height"/> image, for AP.</summary>
    public IEnumerable<LabelledBox> Labelled(int image, int width, int height) =>
        Enumerable.Range(0, Count).Select(i => new LabelledBox(image, (int)Classes[i],
            (Boxes[i, 0] - Boxes[i, 2] / 2) * width, (Boxes[i, 1] - Boxes[i, 3] / 2) * height,
            (Boxes[i, 0] + Boxes[i, 2] / 2) * width, (Boxes[i, 1] + Boxes[i, 3] / 2) * height));
}

/// <summary>Images [n, C, H, W] with the objects of each, and the class names.</summary>
public sealed class DetectionData : IDisposable
{
    public DetectionData(Tensor images, IReadOnlyList<DetectionTarget> targets, IReadOnlyList<string> classNames, string source)
    {
        if (images.shape[0] != targets.Count) throw new ArgumentException($"{images.shape[0]} images but {targets.Count} targets");
        (Images, Targets, ClassNames, Source) = (images, targets, classNames, source);
    }

    public Tensor Images { get; }
    public IReadOnlyList<DetectionTarget> Targets { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public string Source { get; }
    public long Count => Images.shape[0];

    public void Dispose() => Images.Dispose();
}
