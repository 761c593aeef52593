using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit;

/// <summary>
/// A linear or convolution layer (transposed too) at low bit-width: its input passes
/// <c>input_quant</c> and its weight <c>weight_quant</c> before the layer's own operation. It
/// keeps the layer's <c>weight</c> and <c>bias</c> under the same names, so full-precision
/// weights load into it unchanged.
/// </summary>
public sealed class LowBitLayer : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly nn.Module<Tensor, Tensor>? weight_quant;
    private readonly nn.Module<Tensor, Tensor>? input_quant;
    private readonly Func<Tensor, Tensor, Tensor?, Tensor> _operation;
    private readonly Func<LayerGradients> _gradients;
    private readonly IInputGradientMask? _inputGradient;

    private LowBitLayer(Parameter weight, Parameter? bias, Func<Tensor, Tensor, Tensor?, Tensor> operation, Func<LayerGradients> gradients,
        nn.Module<Tensor, Tensor>? weightQuant, nn.Module<Tensor, Tensor>? inputQuant, ConvolutionGeometry? geometry = null) : base(nameof(LowBitLayer))
    {
        Geometry = geometry;
        this.weight = weight;
        this.bias = bias;
        _operation = operation;
        _gradients = gradients;
        weight_quant = weightQuant;
        input_quant = inputQuant;
        RegisterComponents();
        _inputGradient = weightQuant as IInputGradientMask ?? weightQuant?.modules().OfType<IInputGradientMask>().FirstOrDefault();
    }

    /// <summary>The output-channel axis of the layer's weight: 0, or 1 for a transposed convolution.</summary>
    public static long OutputAxis(nn.Module<Tensor, Tensor> layer) => layer is Convolution { transposed: true } ? 1 : 0;

    /// <summary>Converts <paramref name="layer"/>, building each quantizer from the layer's weight.</summary>
    public static LowBitLayer Of(nn.Module<Tensor, Tensor> layer, Func<Tensor, nn.Module<Tensor, Tensor>?> weightQuant, nn.Module<Tensor, Tensor>? inputQuant) => layer switch
    {
        Linear l => new LowBitLayer(l.weight, l.bias, Operation(l), () => new LayerGradients.Linear(), weightQuant(l.weight), inputQuant),
        Convolution c => Convolved(c, Operation(c), weightQuant, inputQuant),
        _ => throw new ArgumentException($"only linear and convolution layers can be quantized or binarized, not {layer.GetType().Name}", nameof(layer)),
    };

    /// <summary>What a linear or convolution layer computes from an input, a weight and a bias, with the layer's own settings.</summary>
    internal static Func<Tensor, Tensor, Tensor?, Tensor> Operation(nn.Module<Tensor, Tensor> layer) => layer switch
    {
        Linear => (x, w, b) => nn.functional.linear(x, w, b),
        Convolution c => Convolve(c),
        _ => throw new ArgumentException($"only linear and convolution layers have a weight operation, not {layer.GetType().Name}", nameof(layer)),
    };

    /// <summary>The latent full-precision weight that training updates.</summary>
    public Parameter Weight => weight;

    /// <summary>The layer's bias, if it has one.</summary>
    public Parameter? Bias => bias;

    /// <summary>What the layer does to its input before the operation (a quantizer, a sign), if anything.</summary>
    public nn.Module<Tensor, Tensor>? InputTransform => input_quant;

    /// <summary>What the layer does to its weight (a quantizer, a binarization), if anything.</summary>
    public nn.Module<Tensor, Tensor>? WeightTransform => weight_quant;

    /// <summary>A convolution's kernel, stride, padding, dilation and groups; null for a linear layer.</summary>
    public ConvolutionGeometry? Geometry { get; }

    /// <summary>The packed binary kernel the layer runs at inference (see <see cref="Packed.BinaryKernels"/>); null to compute in float.</summary>
    public Packed.PackedBinaryLayer? Packed { get; internal set; }

    public Tensor QuantizedWeight() => weight_quant?.forward(weight) ?? weight;

    public override Tensor forward(Tensor x)
    {
        if (Packed is { } packed && !training) return packed.Forward(x);
        var input = input_quant?.forward(x) ?? x;
        var weight = QuantizedWeight();
        return _inputGradient?.InputGradientMask is { } mask && is_grad_enabled()
            ? MaskedInputGradient.apply(input, weight, bias, mask, _operation, _gradients())
            : _operation(input, weight, bias);
    }

    private static LowBitLayer Convolved(Convolution c, Func<Tensor, Tensor, Tensor?, Tensor> operation, Func<Tensor, nn.Module<Tensor, Tensor>?> weightQuant, nn.Module<Tensor, Tensor>? inputQuant) =>
        new(c.weight, c.bias, operation, () => new LayerGradients.Recomputed(operation), weightQuant(c.weight), inputQuant,
            new ConvolutionGeometry(c.kernel_size, c.stride, c.padding, c.dilation, c.groups, c.transposed));

    private static Func<Tensor, Tensor, Tensor?, Tensor> Convolve(Convolution c)
    {
        if (c.padding_mode != PaddingModes.Zeros) throw new NotSupportedException($"a low bit-width convolution pads with zeros; padding_mode {c.padding_mode} is not supported");
        var padding = c.padding ?? throw new NotSupportedException("a low bit-width convolution needs numeric padding, not 'same' or 'valid'");
        var (stride, dilation, groups) = (c.stride, c.dilation, c.groups);
        var outputPadding = c.output_padding ?? new long[c.kernel_size.Length];
        return (c.kernel_size.Length, c.transposed) switch
        {
            (1, false) => (x, w, b) => nn.functional.conv1d(x, w, b, stride[0], padding[0], dilation[0], groups),
            (2, false) => (x, w, b) => nn.functional.conv2d(x, w, b, stride, padding, dilation, groups),
            (3, false) => (x, w, b) => nn.functional.conv3d(x, w, b, stride, padding, dilation, groups),
            (1, true) => (x, w, b) => nn.functional.conv_transpose1d(x, w, b, stride[0], padding[0], outputPadding[0], dilation[0], groups),
            (2, true) => (x, w, b) => nn.functional.conv_transpose2d(x, w, b, stride, padding, outputPadding, dilation, groups),
            (3, true) => (x, w, b) => nn.functional.conv_transpose3d(x, w, b, stride, padding, outputPadding, dilation, groups),
            _ => throw new NotSupportedException($"a {c.kernel_size.Length}-d convolution cannot be quantized"),
        };
    }
}

/// <summary>A convolution's shape of computation; <see cref="Padding"/> is null for 'same' or 'valid'.</summary>
public sealed record ConvolutionGeometry(long[] Kernel, long[] Stride, long[]? Padding, long[] Dilation, long Groups, bool Transposed);
