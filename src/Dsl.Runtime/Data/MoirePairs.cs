using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using static TorchSharp.torch;

namespace Dsl.Runtime.Data;

/// <summary>
/// Moiré images and their clean targets, [3, H, W] in [0, 1], pixel-aligned: simulated screen
/// captures of photographs (<see cref="Simulate"/>, <see cref="MoireSimulation"/>), or real pairs
/// from a folder (<see cref="FromFolder"/>).
/// </summary>
public sealed class MoirePairs : IDisposable
{
    /// <summary>The folder names of the public datasets: LCDMoiré's moire/clear, TIP2018's source/target.</summary>
    private static readonly (string Moire, string Clean)[] Layouts = { ("moire", "clear"), ("source", "target") };

    /// <summary>What a file name may end with in those datasets, dropped to pair a moiré image with its target.</summary>
    private static readonly string[] Suffixes = { "_moire", "_clear", "_gt", "_source", "_target" };

    public MoirePairs(IReadOnlyList<Tensor> moire, IReadOnlyList<Tensor> clean, IReadOnlyList<string> names, string source)
    {
        if (moire.Count != clean.Count || moire.Count != names.Count) throw new ArgumentException("one clean target and one name per moiré image");
        for (var i = 0; i < moire.Count; i++)
        {
            if (!moire[i].shape.SequenceEqual(clean[i].shape) || moire[i].dim() != 3 || moire[i].shape[0] != 3)
                throw new ArgumentException($"{names[i]}: the moiré image [{string.Join(", ", moire[i].shape)}] and its target [{string.Join(", ", clean[i].shape)}] are not one RGB size");
        }
        (Moire, Clean, Names, Source) = (moire, clean, names, source);
    }

    public IReadOnlyList<Tensor> Moire { get; }
    public IReadOnlyList<Tensor> Clean { get; }
    public IReadOnlyList<string> Names { get; }
    public string Source { get; }
    public int Count => Moire.Count;

    /// <summary>
    /// Screen captures of <paramref name="photos"/>, each first shrunk (area averaging) so that its
    /// longer side is at most <paramref name="maxSide"/>, and cropped to a multiple of 8 on each
    /// side; capture i's geometry is drawn from <paramref name="seed"/> + i, so a set is reproducible.
    /// </summary>
    public static MoirePairs Simulate(IReadOnlyList<string> photos, int maxSide, long seed)
    {
        var (moire, clean) = (new List<Tensor>(), new List<Tensor>());
        for (var i = 0; i < photos.Count; i++)
        {
            using var scope = NewDisposeScope();
            var photo = ImageFiles.Decode(photos[i]);
            var factor = Math.Min(1.0, (double)maxSide / Math.Max(photo.shape[1], photo.shape[2]));
            var (h, w) = ((long)(photo.shape[1] * factor) / 8 * 8, (long)(photo.shape[2] * factor) / 8 * 8);
            if (h < 8 || w < 8) throw new DataFormatException(photos[i], "the photograph is too small to capture");
            if (factor < 1) photo = nn.functional.interpolate(photo.unsqueeze(0), new[] { (long)(photo.shape[1] * factor), (long)(photo.shape[2] * factor) }, mode: InterpolationMode.Area)[0];
            photo = photo.narrow(1, 0, h).narrow(2, 0, w);
            using var generator = new Generator((ulong)(seed + i));
            var (m, c) = MoireSimulation.Capture(photo, MoireSimulation.Draw(generator), generator);
            moire.Add(m.MoveToOuterDisposeScope());
            clean.Add(c.MoveToOuterDisposeScope());
        }
        return new MoirePairs(moire, clean, photos.Select(Photographs.Name).ToList(),
            $"{photos.Count} photographs captured from a simulated screen (seed {seed}, longer side ≤ {maxSide})");
    }

    /// <summary>
    /// Real pairs: <paramref name="root"/> holds moire/ and clear/ (LCDMoiré) or source/ and target/
    /// (TIP2018), with files paired by name once a suffix such as _moire, _gt, _source or _target is dropped.
    /// </summary>
    public static MoirePairs FromFolder(string root)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"{root}: no such folder of moiré pairs");
        var layout = Layouts.FirstOrDefault(l => Directory.Exists(Path.Combine(root, l.Moire)) && Directory.Exists(Path.Combine(root, l.Clean)));
        if (layout == default)
            throw new DataFormatException(root, "expected the subfolders moire/ and clear/ (LCDMoiré) or source/ and target/ (TIP2018)");
        var moireFiles = Directory.GetFiles(Path.Combine(root, layout.Moire)).Where(ImageFiles.IsImage).OrderBy(f => f, StringComparer.Ordinal).ToList();
        var cleanFiles = Directory.GetFiles(Path.Combine(root, layout.Clean)).Where(ImageFiles.IsImage).ToDictionary(Key);
        if (moireFiles.Count == 0) throw new DataFormatException(Path.Combine(root, layout.Moire), "no PNG or JPEG images in the folder");
        var (moire, clean, names) = (new List<Tensor>(), new List<Tensor>(), new List<string>());
        foreach (var file in moireFiles)
        {
            if (!cleanFiles.TryGetValue(Key(file), out var target))
                throw new DataFormatException(file, $"no target in {Path.Combine(root, layout.Clean)} with the name {Key(file)}");
            var (m, c) = (ImageFiles.Decode(file), ImageFiles.Decode(target));
            if (!m.shape.SequenceEqual(c.shape)) throw new DataFormatException(target, $"the target is {c.shape[2]}×{c.shape[1]}, its moiré image {m.shape[2]}×{m.shape[1]}");
            moire.Add(m);
            clean.Add(c);
            names.Add(Key(file));
        }
        return new MoirePairs(moire, clean, names, $"{moire.Count} pairs from {root}");
    }

    /// <summary>A file's pairing key: its name without extension and without a dataset suffix.</summary>
    private static string Key(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path)!;
        var suffix = Suffixes.FirstOrDefault(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase));
        return suffix == null ? name : name.Substring(0, name.Length - suffix.Length);
    }

    /// <summary>A random crop of <paramref name="size"/> × <paramref name="size"/> of each of <paramref name="count"/> random pairs: moiré [B, 3, S, S] and clean.</summary>
    public (Tensor Moire, Tensor Clean) Crops(int count, long size, Generator generator)
    {
        using var scope = NewDisposeScope();
        var (moire, clean) = (new List<Tensor>(), new List<Tensor>());
        var picks = randint(0, Count, new long[] { count }, generator: generator, dtype: ScalarType.Int64).data<long>().ToArray();
        var offsets = rand(new long[] { count, 2 }, generator: generator, dtype: ScalarType.Float64).data<double>().ToArray();
        for (var i = 0; i < count; i++)
        {
            var k = (int)picks[i];
            var (h, w) = (Moire[k].shape[1], Moire[k].shape[2]);
            if (h < size || w < size) throw new ArgumentException($"{Names[k]} ({w}×{h}) is smaller than a {size}-pixel crop");
            var (y, x) = ((long)(offsets[2 * i] * (h - size + 1)), (long)(offsets[2 * i + 1] * (w - size + 1)));
            moire.Add(Moire[k].narrow(1, y, size).narrow(2, x, size));
            clean.Add(Clean[k].narrow(1, y, size).narrow(2, x, size));
        }
        return (stack(moire).MoveToOuterDisposeScope(), stack(clean).MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
        foreach (var t in Moire.Concat(Clean)) t.Dispose();
    }
}
