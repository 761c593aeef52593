using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using static TorchSharp.torch;

namespace Dsl.Runtime.Data;

/// <summary>One photograph as the super-resolution benchmarks use it: the high-resolution image cropped to a multiple of the scale, and its bicubic ×scale reduction stored at 8 bits.</summary>
public sealed record SuperResolutionPair(string Path, Tensor HighResolution, Tensor LowResolution) : IDisposable
{
    public void Dispose()
    {
        HighResolution.Dispose();
        LowResolution.Dispose();
    }
}

/// <summary>
/// Photographs for ×2, ×3 or ×4 super-resolution, made the way EDSR's and BasicSR's benchmarks
/// make them: each high-resolution image is cropped to a multiple of the scale and shrunk with
/// MATLAB-style bicubic (<see cref="Bicubic"/>), the result rounded to 8 bits as a saved PNG
/// would be. Training draws random patch pairs with the eight flips and rotations; testing uses
/// whole images (<see cref="Pairs"/>).
/// </summary>
public sealed class SuperResolutionData : IDisposable
{
    private SuperResolutionData(int scale, IReadOnlyList<SuperResolutionPair> pairs, string description)
    {
        Scale = scale;
        Pairs = pairs;
        Description = description;
    }

    public int Scale { get; }

    public IReadOnlyList<SuperResolutionPair> Pairs { get; }

    public string Description { get; }

    /// <summary>The PNG and JPEG files of <paramref name="folder"/> (not its subfolders), in name order.</summary>
    public static IReadOnlyList<string> ImagesIn(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such image folder");
        var files = Directory.GetFiles(folder).Where(ImageFiles.IsImage).OrderBy(p => p, StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new DataFormatException(folder, "no PNG or JPEG images in the folder");
        return files;
    }

    /// <summary>
    /// Loads <paramref name="files"/> for ×<paramref name="scale"/>. A photograph whose longer side
    /// exceeds <paramref name="maxSide"/> (0: no limit) is first shrunk by the smallest whole factor
    /// that brings it within, with the same bicubic, so multi-megapixel wallpapers become
    /// benchmark-sized photographs.
    /// </summary>
    public static SuperResolutionData Load(IEnumerable<string> files, int scale, int maxSide = 0)
    {
        if (scale is < 2 or > 8) throw new ArgumentOutOfRangeException(nameof(scale), scale, "super-resolution scales run from 2 to 8");
        var pairs = new List<SuperResolutionPair>();
        try
        {
            foreach (var path in files)
            {
                using var decoded = ImageFiles.Decode(path);
                using var sized = Fit(decoded, maxSide);
                var (h, w) = (sized.shape[1] / scale * scale, sized.shape[2] / scale * scale);
                if (h < 2 * scale || w < 2 * scale) throw new DataFormatException(path, $"is {sized.shape[1]}×{sized.shape[2]}, too small for ×{scale}");
                var high = sized.narrow(1, 0, h).narrow(2, 0, w).contiguous();
                using var shrunk = Bicubic.Downscale(high, scale);
                pairs.Add(new SuperResolutionPair(path, high, Quantize8(shrunk)));
            }
        }
        catch
        {
            foreach (var p in pairs) p.Dispose();
            throw;
        }
        if (pairs.Count == 0) throw new ArgumentException("no images to load", nameof(files));
        return new SuperResolutionData(scale, pairs, $"{pairs.Count} photographs, ×{scale}");
    }

    /// <summary>
    /// <paramref name="count"/> random patch pairs: low-resolution [count, 3, p, p] with
    /// p = <paramref name="patch"/>, high-resolution [count, 3, p·scale, p·scale] from the same
    /// place, each pair flipped and rotated alike by one of the eight symmetries of the square.
    /// </summary>
    public (Tensor Low, Tensor High) RandomPatches(int count, int patch, Generator generator)
    {
        var lows = new List<Tensor>();
        var highs = new List<Tensor>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var pair = Pairs[(int)randint(0, Pairs.Count, new long[] { 1 }, generator: generator).item<long>()];
                var (lh, lw) = (pair.LowResolution.shape[1], pair.LowResolution.shape[2]);
                if (lh < patch || lw < patch)
                    throw new DataFormatException(pair.Path, $"its low-resolution image is {lh}×{lw}, smaller than a {patch}×{patch} patch");
                using var draw = randint(0, long.MaxValue, new long[] { 3 }, generator: generator);
                var d = draw.data<long>().ToArray();
                var (y, x, symmetry) = (d[0] % (lh - patch + 1), d[1] % (lw - patch + 1), (int)(d[2] % 8));
                using var low = pair.LowResolution.narrow(1, y, patch).narrow(2, x, patch);
                using var high = pair.HighResolution.narrow(1, y * Scale, patch * Scale).narrow(2, x * Scale, patch * Scale);
                lows.Add(Symmetry(low, symmetry));
                highs.Add(Symmetry(high, symmetry));
            }
            return (stack(lows), stack(highs));
        }
        finally
        {
            foreach (var t in lows.Concat(highs)) t.Dispose();
        }
    }

    /// <summary>One of the eight flips and rotations of [C, H, W] (0: unchanged; bit 0 mirrors, bits 1–2 rotate by quarter turns).</summary>
    public static Tensor Symmetry(Tensor image, int which)
    {
        using var mirrored = (which & 1) != 0 ? image.flip(2) : image.alias();
        return mirrored.rot90(which >> 1, (1, 2)).contiguous();
    }

    /// <summary>Values rounded to the 256 levels of an 8-bit image.</summary>
    public static Tensor Quantize8(Tensor image) => image.clamp(0, 1).mul(255).round_().div_(255);

    private static Tensor Fit(Tensor image, int maxSide)
    {
        var longer = Math.Max(image.shape[1], image.shape[2]);
        if (maxSide <= 0 || longer <= maxSide) return image.alias();
        var factor = (int)Math.Ceiling((double)longer / maxSide);
        var (h, w) = (image.shape[1] / factor * factor, image.shape[2] / factor * factor);
        using var cropped = image.narrow(1, 0, h).narrow(2, 0, w);
        using var shrunk = Bicubic.Downscale(cropped, factor);
        return Quantize8(shrunk);
    }

    public void Dispose()
    {
        foreach (var p in Pairs) p.Dispose();
    }
}
