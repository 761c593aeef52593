using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

public static partial class Layers
{
    public static nn.Module<Tensor, Tensor> Flatten(long startDim = 1, long endDim = -1) => nn.Flatten(startDim, endDim);

    public static nn.Module<Tensor, Tensor> PixelShuffle(long upscaleFactor) => nn.PixelShuffle(upscaleFactor);

    public static nn.Module<Tensor, Tensor> Upsample(long scaleFactor, string mode = "nearest", bool alignCorners = false)
    {
        var (upsampleMode, rank) = mode switch
        {
            "nearest" => (UpsampleMode.Nearest, 2),
            "bilinear" => (UpsampleMode.Bilinear, 2),
            "bicubic" => (UpsampleMode.Bicubic, 2),
            "trilinear" => (UpsampleMode.Trilinear, 3),
            _ => throw new ArgumentException($"unknown upsample mode '{mode}'", nameof(mode)),
        };
        var scale = new double[rank];
        Array.Fill(scale, scaleFactor);
        return nn.Upsample(scale_factor: scale, mode: upsampleMode, align_corners: upsampleMode == UpsampleMode.Nearest ? null : alignCorners);
    }

    public static nn.Module<Tensor, Tensor> ReflectionPad2d(Sizes padding)
    {
        var p = padding.For(4, 0);
        return nn.ReflectionPad2d((p[0], p[1], p[2], p[3]));
    }

    public static nn.Module<Tensor, Tensor> ClsSelect() => new ClsSelect();
}
