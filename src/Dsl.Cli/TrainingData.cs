using System.IO;
using System.Linq;
using Dsl.Runtime.Data;

namespace Dsl.Cli;

/// <summary>
/// What `cmodel train` trains on: Fashion-MNIST (the shipped subset, the full set, or a folder
/// of its four IDX files), or an image folder with train/ and test/ (or val/) subfolders of
/// one folder per class, as torchvision's ImageFolder.
/// </summary>
internal static class TrainingData
{
    public static (ImageClassificationData Train, ImageClassificationData Test) Load(string? folder, bool full)
    {
        if (folder != null && !Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such folder");
        if (folder == null || full || IsFashionMnist(folder)) return FashionMnist.Load(FashionMnist.Locate(folder, full));
        var test = new[] { "test", "val" }.Select(s => Path.Combine(folder, s)).FirstOrDefault(Directory.Exists);
        if (!Directory.Exists(Path.Combine(folder, "train")) || test == null)
            throw new DirectoryNotFoundException(
                $"{folder} holds neither Fashion-MNIST's four IDX files nor train/ and test/ (or val/) folders with one subfolder of images per class");
        var train = ImageFolder.Open(Path.Combine(folder, "train"));
        var held = ImageFolder.Open(test);
        if (!held.Classes.SequenceEqual(train.Classes))
            throw new DataFormatException(test, $"has the classes {string.Join(", ", held.Classes)} but {train.Root} has {string.Join(", ", train.Classes)}");
        return (train.Load(), held.Load());
    }

    private static bool IsFashionMnist(string folder) =>
        File.Exists(Path.Combine(folder, "train-images-idx3-ubyte")) || File.Exists(Path.Combine(folder, "train-images-idx3-ubyte.gz"));
}
