using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Dsl.Runtime.Dynamic;

/// <summary>
/// An image cut into square patches that overlap by <see cref="Overlap"/> pixels (the last row
/// and column of patches aligned to the image's edge), and stitched back by blending: each patch
/// weighs its pixels by a ramp that rises over the overlap from each side, and every pixel is
/// the weighted mean of the patches covering it, so seams fade instead of showing.
/// </summary>
public sealed class PatchGrid
{
    public PatchGrid(long height, long width, long patch, long overlap)
    {
        if (patch <= 0 || patch > height || patch > width)
            throw new ArgumentException($"a patch of {patch} pixels does not fit a {height}×{width} image", nameof(patch));
        if (overlap < 0 || overlap >= patch) throw new ArgumentOutOfRangeException(nameof(overlap), overlap, $"the overlap is in [0, {patch})");
        (Height, Width, Patch, Overlap) = (height, width, patch, overlap);
        Rows = Starts(height);
        Columns = Starts(width);
    }

    public long Height { get; }
    public long Width { get; }
    public long Patch { get; }
    public long Overlap { get; }
    public IReadOnlyList<long> Rows { get; }
    public IReadOnlyList<long> Columns { get; }
    public int Count => Rows.Count * Columns.Count;

    /// <summary>The patches of <paramref name="image"/> [C, H, W], row by row: [P, C, patch, patch].</summary>
    public Tensor Cut(Tensor image)
    {
        Require(image, "image");
        using var scope = NewDisposeScope();
        var patches = Rows.SelectMany(r => Columns.Select(c => image.narrow(1, r, Patch).narrow(2, c, Patch))).ToArray();
        return stack(patches).MoveToOuterDisposeScope();
    }

    /// <summary>The image [C, H, W] the patches [P, C, patch, patch] make, blended where they overlap.</summary>
    public Tensor Stitch(Tensor patches)
    {
        if (patches.dim() != 4 || patches.shape[0] != Count || patches.shape[2] != Patch || patches.shape[3] != Patch)
            throw new ArgumentException($"stitching takes {Count} patches [P, C, {Patch}, {Patch}], not [{string.Join(", ", patches.shape)}]");
        using var scope = NewDisposeScope();
        var channels = patches.shape[1];
        var sum = zeros(new[] { channels, Height, Width }, patches.dtype, patches.device);
        var weights = zeros(new[] { 1, Height, Width }, patches.dtype, patches.device);
        var window = Window(patches.dtype, patches.device);
        var i = 0;
        foreach (var r in Rows)
        foreach (var c in Columns)
        {
            sum.narrow(1, r, Patch).narrow(2, c, Patch).add_(patches[i++] * window);
            weights.narrow(1, r, Patch).narrow(2, c, Patch).add_(window);
        }
        return (sum / weights).MoveToOuterDisposeScope();
    }

    /// <summary>The blending weight of a patch's pixels: min(1, (x + 1)/(overlap + 1), (patch − x)/(overlap + 1)) per axis, multiplied; never 0.</summary>
    public Tensor Window(ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var x = arange(Patch, dtype, device);
        var ramp = minimum(minimum((x + 1) / (Overlap + 1), (Patch - x) / (Overlap + 1)), ones_like(x));
        return (ramp.unsqueeze(1) * ramp.unsqueeze(0)).unsqueeze(0).MoveToOuterDisposeScope();
    }

    private IReadOnlyList<long> Starts(long size)
    {
        var step = Patch - Overlap;
        var starts = new List<long>();
        for (var s = 0L; s + Patch < size; s += step) starts.Add(s);
        starts.Add(size - Patch);
        return starts;
    }

    private void Require(Tensor image, string name)
    {
        if (image.dim() != 3 || image.shape[1] != Height || image.shape[2] != Width)
            throw new ArgumentException($"the grid is for [C, {Height}, {Width}] images, not [{string.Join(", ", image.shape)}]", name);
    }
}
