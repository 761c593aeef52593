using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

public static partial class Layers
{
    public static nn.Module<Tensor, Tensor> Flatten(long startDim = 1, long endDim = -1) => nn.Flatten(startDim, endDim);

    public static nn.Module<Tensor, Tensor> PixelShuffle(long upscaleFactor) => nn.PixelShuffle(upscaleFactor);

    public static nn.Module<Tensor, Tensor> Upsample(long? scaleFactor = null, string mode = "nearest", bool alignCorners = false, Sizes size = default)
    {
        var (upsampleMode, rank) = mode switch
        {
            "nearest" => (UpsampleMode.Nearest, 2),
            "bilinear" => (UpsampleMode.Bilinear, 2),
            "bicubic" => (UpsampleMode.Bicubic, 2),
            "trilinear" => (UpsampleMode.Trilinear, 3),
            _ => throw new ArgumentException($"unknown upsample mode '{mode}'", nameof(mode)),
        };
        bool? corners = upsampleMode == UpsampleMode.Nearest ? null : alignCorners;
        if (scaleFactor is null) return nn.Upsample(size: size.For(rank, 1), mode: upsampleMode, align_corners: corners);
        var scale = new double[rank];
        Array.Fill(scale, scaleFactor.Value);
        return nn.Upsample(scale_factor: scale, mode: upsampleMode, align_corners: corners);
    }

    public static nn.Module<Tensor, Tensor> ReflectionPad2d(Sizes padding)
    {
        var p = padding.For(4, 0);
        return nn.ReflectionPad2d((p[0], p[1], p[2], p[3]));
    }

    public static nn.Module<Tensor, Tensor> ClsSelect() => new ClsSelect();

    public static nn.Module<Tensor, Tensor> Reshape(Sizes shape) => new Reshape(shape.For(shape.Count, 0));

    public static nn.Module<Tensor, Tensor> Permute(Sizes dims) => new Permute(dims.For(dims.Count, 0));

    public static nn.Module<Tensor, Tensor> Transpose(long dim0, long dim1) => new Transpose(dim0, dim1);

    public static nn.Module<Tensor, Tensor> Mean(long dim, bool keepdim = false) => new Mean(dim, keepdim);
}
