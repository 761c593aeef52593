using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Data;

/// <summary>Batch transforms. Random ones draw from the generator they are given, so a run repeats.</summary>
public static class Augmentations
{
    /// <summary>Pads by <paramref name="padding"/> (zeros) and crops back to the original size at a random offset per image.</summary>
    public static Tensor RandomCrop(Tensor images, int padding, Generator generator)
    {
        var (h, w) = (images.shape[2], images.shape[3]);
        using var padded = nn.functional.pad(images, new long[] { padding, padding, padding, padding });
        using var offsets = randint(0, 2 * padding + 1, new long[] { images.shape[0], 2 }, generator: generator);
        var crops = new Tensor[images.shape[0]];
        var o = offsets.data<long>().ToArray();
        for (var i = 0; i < crops.Length; i++)
            crops[i] = padded[i, .., TensorIndex.Slice(o[2 * i], o[2 * i] + h), TensorIndex.Slice(o[2 * i + 1], o[2 * i + 1] + w)];
        var result = stack(crops);
        foreach (var c in crops) c.Dispose();
        return result;
    }

    /// <summary>Mirrors each image left-right with probability <paramref name="p"/>.</summary>
    public static Tensor HorizontalFlip(Tensor images, Generator generator, double p = 0.5)
    {
        using var coins = rand(new long[] { images.shape[0], 1, 1, 1 }, generator: generator);
        using var flip = coins.lt(p);
        using var flipped = images.flip(3);
        return where(flip, flipped, images);
    }

    /// <summary>
    /// The usual small-image training augmentation, for <see cref="BatchLoader"/>: a random crop
    /// after <paramref name="padding"/> pixels of zeros, then a left-right flip with probability ½.
    /// </summary>
    public static Func<Tensor, Generator, Tensor> CropAndFlip(int padding) => (images, generator) =>
    {
        using var cropped = RandomCrop(images, padding, generator);
        return HorizontalFlip(cropped, generator);
    };

    /// <summary>(x − mean) / std, per channel.</summary>
    public static Tensor Normalize(Tensor images, double[] mean, double[] std)
    {
        if (mean.Length != images.shape[1] || std.Length != images.shape[1])
            throw new ArgumentException($"mean and std need {images.shape[1]} entries, one per channel");
        using var m = tensor(Array.ConvertAll(mean, v => (float)v)).reshape(1, -1, 1, 1);
        using var s = tensor(Array.ConvertAll(std, v => (float)v)).reshape(1, -1, 1, 1);
        return (images - m) / s;
    }
}
