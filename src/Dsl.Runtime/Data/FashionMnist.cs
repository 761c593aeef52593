using System;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Data;

/// <summary>
/// Fashion-MNIST in its IDX files: from a folder given explicitly, from Debian's
/// dataset-fashion-mnist package, or from the subset shipped beside the program.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's dataset-fashion-mnist package installs the full set.</summary>
    public const string SystemFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The shipped subset's folder, relative to the program (the samples copy it there).</summary>
    public const string SubsetFolder = "data/fashion-mnist-subset";

    public static readonly string[] ClassNames =
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    /// <summary>
    /// The folder to read: <paramref name="dataFolder"/> if given; else the full set when
    /// <paramref name="full"/> (the system package); else the shipped subset.
    /// </summary>
    public static string Locate(string? dataFolder, bool full) => Locate(dataFolder, full, AppContext.BaseDirectory);

    internal static string Locate(string? dataFolder, bool full, string baseDirectory)
    {
        if (dataFolder != null) return dataFolder;
        if (full)
        {
            if (Directory.Exists(SystemFolder)) return SystemFolder;
            throw new DirectoryNotFoundException(
                $"the full Fashion-MNIST is not at {SystemFolder}; install Debian's dataset-fashion-mnist package or pass a folder holding its four files");
        }
        var subset = Path.Combine(baseDirectory, SubsetFolder);
        if (Directory.Exists(subset)) return subset;
        throw new DirectoryNotFoundException(
            $"the Fashion-MNIST subset that CModel ships is not at {subset}: the CModel package copies it to the build output " +
            "(data/fashion-mnist-subset); pass a folder holding the four Fashion-MNIST files, or install Debian's dataset-fashion-mnist package and ask for the full set");
    }

    public static (ImageClassificationData Train, ImageClassificationData Test) Load(string folder) =>
        (LoadSplit(folder, "train"), LoadSplit(folder, "t10k"));

    public static ImageClassificationData LoadSplit(string folder, string split)
    {
        var images = IdxFile.Read(Find(folder, $"{split}-images-idx3-ubyte"));
        var labelsPath = Find(folder, $"{split}-labels-idx1-ubyte");
        var labels = IdxFile.Read(labelsPath);
        if (images.Dimensions.Length != 3)
            throw new DataFormatException(Find(folder, $"{split}-images-idx3-ubyte"), $"expected images [N, H, W] but found rank {images.Dimensions.Length}");
        if (labels.Dimensions.Length != 1 || labels.Dimensions[0] != images.Dimensions[0])
            throw new DataFormatException(labelsPath, $"expected {images.Dimensions[0]} labels, one per image, but found [{string.Join(", ", labels.Dimensions)}]");
        var bad = labels.Data.FirstOrDefault(l => l >= 10);
        if (bad >= 10) throw new DataFormatException(labelsPath, $"label {bad} is not a Fashion-MNIST class (0-9)");
        var (n, h, w) = (images.Dimensions[0], images.Dimensions[1], images.Dimensions[2]);
        using var raw = tensor(images.Data, new long[] { n, 1, h, w });
        var x = raw.to_type(ScalarType.Float32).div_(255f);
        var y = tensor(labels.Data.Select(b => (long)b).ToArray());
        return new ImageClassificationData(x, y, 10, $"{folder} ({split}, {n:N0} images)");
    }

    private static string Find(string folder, string stem)
    {
        foreach (var candidate in new[] { stem + ".gz", stem, stem.Replace("-idx", ".idx") + ".gz", stem.Replace("-idx", ".idx") })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"{Path.Combine(folder, stem + ".gz")}: Fashion-MNIST file not found (looked for {stem}.gz and {stem} in {folder})");
    }
}
