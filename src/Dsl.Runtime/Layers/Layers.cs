using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Dsl.Runtime.LowBit;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// One factory per .cmodel layer, named after it (conv2d → Conv2d) with its arguments in
/// camelCase and PyTorch's defaults. Generated constructors call these; the front end's
/// LayerCatalog describes the same signatures (a test keeps the two in step).
/// </summary>
public static partial class Layers
{
    public static nn.Module<Tensor, Tensor> Linear(long inFeatures, long outFeatures, bool bias = true, Compressor? compression = null) =>
        Compressed(nn.Linear(inFeatures, outFeatures, hasBias: bias), compression);

    public static nn.Module<Tensor, Tensor> Conv1d(long inChannels, long outChannels, Sizes kernel, Sizes stride = default, Sizes padding = default,
        Sizes dilation = default, long groups = 1, bool bias = true, string paddingMode = "zeros", Compressor? compression = null) =>
        Compressed(nn.Conv1d(inChannels, outChannels, kernel.For(1, 0)[0], stride.For(1, 1)[0], padding.For(1, 0)[0], dilation.For(1, 1)[0],
            PaddingMode(paddingMode), groups, bias), compression);

    public static nn.Module<Tensor, Tensor> Conv2d(long inChannels, long outChannels, Sizes kernel, Sizes stride = default, Sizes padding = default,
        Sizes dilation = default, long groups = 1, bool bias = true, string paddingMode = "zeros", Compressor? compression = null) =>
        Compressed(nn.Conv2d(inChannels, outChannels, Pair(kernel, 0), Pair(stride, 1), Pair(padding, 0), Pair(dilation, 1),
            PaddingMode(paddingMode), groups, bias), compression);

    public static nn.Module<Tensor, Tensor> Conv3d(long inChannels, long outChannels, Sizes kernel, Sizes stride = default, Sizes padding = default,
        Sizes dilation = default, long groups = 1, bool bias = true, string paddingMode = "zeros", Compressor? compression = null) =>
        Compressed(nn.Conv3d(inChannels, outChannels, Triple(kernel, 0), Triple(stride, 1), Triple(padding, 0), Triple(dilation, 1),
            PaddingMode(paddingMode), groups, bias), compression);

    public static nn.Module<Tensor, Tensor> ConvTranspose2d(long inChannels, long outChannels, Sizes kernel, Sizes stride = default, Sizes padding = default,
        Sizes outputPadding = default, long groups = 1, bool bias = true, Sizes dilation = default, Compressor? compression = null) =>
        Compressed(nn.ConvTranspose2d(inChannels, outChannels, Pair(kernel, 0), Pair(stride, 1), Pair(padding, 0), Pair(outputPadding, 0),
            Pair(dilation, 1), PaddingModes.Zeros, groups, bias), compression);

    public static nn.Module<Tensor, Tensor> BatchNorm(long numFeatures, long dims, double eps = 1e-5, double momentum = 0.1, bool affine = true, Compressor? compression = null) =>
        compression?.BatchNorm(numFeatures, eps, momentum, affine) ?? new SyncBatchNorm(numFeatures, dims, eps, momentum, affine);

    public static nn.Module<Tensor, Tensor> InstanceNorm(long numFeatures, long dims, double eps = 1e-5, double momentum = 0.1, bool affine = false) => dims switch
    {
        1 => nn.InstanceNorm1d(numFeatures, eps, momentum, affine),
        2 => nn.InstanceNorm2d(numFeatures, eps, momentum, affine),
        3 => nn.InstanceNorm3d(numFeatures, eps, momentum, affine),
        _ => throw new ArgumentOutOfRangeException(nameof(dims), dims, "instance_norm has 1, 2 or 3 spatial dimensions"),
    };

    public static nn.Module<Tensor, Tensor> LayerNorm(long normalizedShape, double eps = 1e-5, bool affine = true, bool bias = true) =>
        nn.LayerNorm(normalizedShape, eps, elementwise_affine: affine, bias: bias);

    public static nn.Module<Tensor, Tensor> GroupNorm(long numChannels, long groups, double eps = 1e-5, bool affine = true)
    {
        var norm = nn.GroupNorm(groups, numChannels, eps, affine);
        // TorchSharp 0.107 leaves GroupNorm's affine parameters uninitialised; PyTorch starts them at 1 and 0.
        if (affine)
        {
            using var noGrad = torch.no_grad();
            norm.weight!.fill_(1);
            norm.bias!.zero_();
        }
        return norm;
    }

    /// <summary>The layer as a compression annotation converts it, or unchanged without one.</summary>
    internal static nn.Module<Tensor, Tensor> Compressed(nn.Module<Tensor, Tensor> layer, Compressor? compression) =>
        compression == null ? layer : compression.Layer(layer);

    private static PaddingModes PaddingMode(string mode) => mode switch
    {
        "zeros" => PaddingModes.Zeros,
        "reflect" => PaddingModes.Reflect,
        "replicate" => PaddingModes.Replicate,
        "circular" => PaddingModes.Circular,
        _ => throw new ArgumentException($"unknown padding_mode '{mode}'", nameof(mode)),
    };

    private static (long, long) Pair(Sizes s, long fallback)
    {
        var v = s.For(2, fallback);
        return (v[0], v[1]);
    }

    private static (long, long, long) Triple(Sizes s, long fallback)
    {
        var v = s.For(3, fallback);
        return (v[0], v[1], v[2]);
    }
}
