using System;
using System.Linq;
using static TorchSharp.torch;

namespace Dsl.Runtime.Data;

/// <summary>
/// Edges→shoes at Fashion-MNIST's scale, as the edges2shoes benchmark pairs a photograph with its
/// edge map: the sandal, sneaker and ankle-boot images (classes 5, 7, 9), padded from 28×28 to
/// 32×32, each paired with its edges from a Sobel detector (gradient magnitude above
/// <see cref="Threshold"/> of the image's strongest, an adaptive threshold as HED-free edge maps
/// use). Both sides are in [−1, 1]; edges are 1 on an edge, −1 elsewhere.
/// </summary>
public static class ShoeEdges
{
    public static readonly int[] ShoeClasses = { 5, 7, 9 };

    public const double Threshold = 0.25;

    /// <summary>Edge maps [N, 1, H, W] in {0, 1} of grayscale images [N, 1, H, W] in [0, 1].</summary>
    public static Tensor Edges(Tensor images, double threshold = Threshold)
    {
        using var scope = NewDisposeScope();
        var sobelX = tensor(new float[] { -1, 0, 1, -2, 0, 2, -1, 0, 1 }).reshape(1, 1, 3, 3);
        var gx = nn.functional.conv2d(images, sobelX, padding: new long[] { 1, 1 });
        var gy = nn.functional.conv2d(images, sobelX.transpose(2, 3), padding: new long[] { 1, 1 });
        var magnitude = (gx.square() + gy.square()).sqrt();
        var strongest = magnitude.amax(new long[] { 1, 2, 3 }, keepdim: true).clamp_min(1e-6);
        return (magnitude / strongest).gt(threshold).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Edge→shoe pairs from a Fashion-MNIST split, at most <paramref name="limit"/> of them (in the split's order).</summary>
    public static ImagePairs Pairs(ImageClassificationData split, int? limit = null)
    {
        using var scope = NewDisposeScope();
        var shoes = Select(split, ShoeClasses, limit);
        var edges = Edges(shoes);
        var pairs = new ImagePairs(Pad(edges).MoveToOuterDisposeScope(), Pad(shoes).MoveToOuterDisposeScope(), paired: true,
            $"{split.Source}: {shoes.shape[0]:N0} sandals, sneakers and ankle boots with their Sobel edges");
        return pairs;
    }

    /// <summary>Two classes as unpaired domains (CycleGAN): say sneakers (7) ↔ ankle boots (9).</summary>
    public static ImagePairs Unpaired(ImageClassificationData split, int classA, int classB, int? limit = null)
    {
        using var scope = NewDisposeScope();
        var a = Pad(Select(split, new[] { classA }, limit)).MoveToOuterDisposeScope();
        var b = Pad(Select(split, new[] { classB }, limit)).MoveToOuterDisposeScope();
        return new ImagePairs(a, b, paired: false, $"{split.Source}: {FashionMnist.ClassNames[classA]} ({a.shape[0]:N0}) ↔ {FashionMnist.ClassNames[classB]} ({b.shape[0]:N0}), unpaired");
    }

    private static Tensor Select(ImageClassificationData split, int[] classes, int? limit)
    {
        var keep = classes.Select(c => split.Labels.eq(c)).Aggregate((a, b) => a.logical_or(b));
        var index = keep.nonzero().squeeze(1);
        if (limit is { } n && index.shape[0] > n) index = index.narrow(0, 0, n);
        if (index.shape[0] == 0) throw new ArgumentException($"{split.Source} holds no image of class {string.Join(", ", classes)}");
        return split.Images.index_select(0, index);
    }

    /// <summary>28×28 in [0, 1] → 32×32 in [−1, 1], the border the background's −1.</summary>
    private static Tensor Pad(Tensor images) => nn.functional.pad(images * 2 - 1, new long[] { 2, 2, 2, 2 }, value: -1);
}
