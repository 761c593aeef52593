using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Runtime.Dynamic;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>An image restored patch by patch: the image, each patch's width in the grid's order, and the mean MACs per patch.</summary>
public sealed record RoutedImage(Tensor Image, IReadOnlyList<double> PatchWidths, double MeanMacs)
{
    /// <summary>The MACs of the whole image: every patch's at its width.</summary>
    public double Macs => MeanMacs * PatchWidths.Count;
}

/// <summary>
/// What a @dynamic model keeps: its widths, the width it runs at (the widest until switched),
/// the compiler's MACs per patch at each width, and its routing: an image is cut into patches
/// of the model's input size overlapping by <see cref="Overlap"/> pixels, each scored by the moiré
/// prior, ranked and given a width by rank (<see cref="WidthRouting"/>), restored at it, and
/// stitched with blended seams (<see cref="PatchGrid"/>).
/// </summary>
public sealed class DynamicState
{
    private readonly IReadOnlyList<long> _macs;

    public DynamicState(double[] widths, long[] macs, long patch, long overlap, double cutoff, double colourWeight)
    {
        Widths = new DynamicWidths(widths);
        if (macs.Length != widths.Length) throw new ArgumentException($"one MACs count per width: {widths.Length} widths, {macs.Length} counts", nameof(macs));
        // The compiler lists MACs in the order of the widths it was given, which it sorts.
        _macs = widths.Zip(macs).OrderBy(p => p.First).Select(p => p.Second).ToList();
        (Patch, Overlap, Cutoff, ColourWeight) = (patch, overlap, cutoff, colourWeight);
    }

    public DynamicWidths Widths { get; }

    public double Width => Widths.Current;

    public long Patch { get; }

    public long Overlap { get; }

    public double Cutoff { get; }

    public double ColourWeight { get; }

    /// <summary>MACs per patch at <paramref name="width"/>, as the compiler counted them.</summary>
    public long MacsAt(double width) => _macs[Widths.IndexOf(width) is var i and >= 0 ? i : throw new ArgumentOutOfRangeException(nameof(width), width, $"the widths are [{string.Join(", ", Widths.Widths)}]")];

    /// <summary>Runs <paramref name="model"/> (which holds this state) at <paramref name="width"/>: every slimmable layer switches.</summary>
    public void Use(nn.Module model, double width)
    {
        Widths.Current = width;
        foreach (var layer in model.modules().OfType<ISlimmable>()) layer.Widths.Current = width;
    }

    /// <summary>Restores <paramref name="image"/> [C, H, W] with its patches routed by the moiré prior.</summary>
    public RoutedImage Restore(nn.Module<Tensor, Tensor> model, Tensor image)
    {
        var grid = Grid(image);
        using var patches = grid.Cut(image);
        using var scores = MoirePrior.Scores(patches, Cutoff, ColourWeight);
        return Restore(model, image, scores.to(ScalarType.Float64).data<double>().ToArray());
    }

    /// <summary>Restores <paramref name="image"/> with its patches ranked by <paramref name="scores"/> (one per patch, in the grid's order) instead of the prior.</summary>
    public RoutedImage Restore(nn.Module<Tensor, Tensor> model, Tensor image, IReadOnlyList<double> scores) =>
        RestoreAt(model, image, WidthRouting.Assign(scores, Widths.Widths));

    /// <summary>Restores <paramref name="image"/> with every patch at <paramref name="width"/> (a static network of that width).</summary>
    public RoutedImage Restore(nn.Module<Tensor, Tensor> model, Tensor image, double width) =>
        RestoreAt(model, image, Enumerable.Repeat(width, Grid(image).Count).ToArray());

    /// <summary>The grid an image is cut into: patches of the model's input size.</summary>
    public PatchGrid Grid(Tensor image) => new(image.shape[1], image.shape[2], Patch, Overlap);

    private RoutedImage RestoreAt(nn.Module<Tensor, Tensor> model, Tensor image, IReadOnlyList<double> widths)
    {
        var grid = Grid(image);
        var before = Width;
        var training = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var device = model.parameters().First().device;
            var patches = grid.Cut(image).to(device);
            var restored = zeros_like(patches);
            foreach (var width in widths.Distinct().OrderBy(w => w))
            {
                var at = widths.Select((w, i) => (w, i)).Where(p => p.w == width).Select(p => (long)p.i).ToArray();
                Use(model, width);
                using var index = tensor(at, device: device);
                restored.index_copy_(0, index, model.forward(patches.index_select(0, index)));
            }
            var stitched = grid.Stitch(restored).to(image.device).MoveToOuterDisposeScope();
            return new RoutedImage(stitched, widths, widths.Average(MacsAt));
        }
        finally
        {
            Use(model, before);
            model.train(training);
        }
    }
}
