using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit.Packed;

/// <summary>
/// Switches a trained binarized model (ReBNN, plain, Bi-ViT) to packed XNOR-popcount kernels for
/// inference: every binarized linear and 2-d convolution whose input is a sign and whose weight is
/// a sign with a per-channel scale then computes on 64 signs per word. The weights are packed as
/// they are when this is called: call it again after changing them. In training mode, and after
/// <see cref="Disable"/>, the layers compute in float as before.
/// </summary>
public static class BinaryKernels
{
    /// <summary>The instruction set this CPU's kernels use (AVX-512BW, else AVX2, else scalar).</summary>
    public static XnorIsa Isa => XnorPopcount.Best;

    /// <summary>Packs the layers that can run packed; returns their names (state-dict keys). <paramref name="isa"/> forces a narrower instruction set.</summary>
    public static IReadOnlyList<string> Enable(nn.Module model, XnorIsa? isa = null)
    {
        var switched = new List<string>();
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            foreach (var (name, module) in model.named_modules())
            {
                if (module is not LowBitLayer layer || Pack(layer, isa) is not { } packed) continue;
                layer.Packed = packed;
                switched.Add(name);
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return switched;
    }

    /// <summary>Returns every layer of <paramref name="model"/> to its float computation.</summary>
    public static void Disable(nn.Module model)
    {
        foreach (var layer in model.modules().OfType<LowBitLayer>()) layer.Packed = null;
    }

    private static PackedBinaryLayer? Pack(LowBitLayer layer, XnorIsa? isa)
    {
        if (layer.WeightTransform is not (MeanScaledSignWeight or ReBnnWeight) || layer.InputTransform is not (SignActivation or ScaledSignActivation)) return null;
        var weight = layer.Weight.detach();
        var signs = where(weight >= 0, 1f, -1f);
        var others = Enumerable.Range(1, (int)weight.dim() - 1).Select(d => (long)d).ToArray();
        // The transform's output is α·sign(w) element by element: α is its mean times the signs.
        var alpha = (layer.WeightTransform.forward(weight) * signs).mean(others);
        (double, double)? scaled = null;
        if (layer.InputTransform is ScaledSignActivation scaledSign)
        {
            var (a, z) = (scaledSign.get_parameter("alpha")!, scaledSign.get_parameter("offset")!);
            // One scale for the whole input, on a linear layer: a per-head scale belongs to attention's products.
            if (a.numel() != 1 || layer.Geometry is not null) return null;
            scaled = (a.item<float>(), z.item<float>());
        }
        if (layer.Geometry is { } g)
        {
            if (g.Kernel.Length != 2 || g.Transposed || g.Groups != 1 || g.Dilation.Any(d => d != 1) || g.Padding is null) return null;
            return new PackedBinaryConv2d(signs, alpha, layer.Bias, (g.Stride[0], g.Stride[1]), (g.Padding[0], g.Padding[1]), isa);
        }
        return new PackedBinaryLinear(signs, alpha, layer.Bias, isa, scaled);
    }
}
