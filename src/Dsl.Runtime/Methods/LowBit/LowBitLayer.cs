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
    private readonly IInputGradientMask? _inputGradient;

    private LowBitLayer(Parameter weight, Parameter? bias, Func<Tensor, Tensor, Tensor?, Tensor> operation,
        nn.Module<Tensor, Tensor>? weightQuant, nn.Module<Tensor, Tensor>? inputQuant) : base(nameof(LowBitLayer))
    {
        this.weight = weight;
        this.bias = bias;
        _operation = operation;
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
        Linear l => new LowBitLayer(l.weight, l.bias, (x, w, b) => nn.functional.linear(x, w, b), weightQuant(l.weight), inputQuant),
        Convolution c => new LowBitLayer(c.weight, c.bias, Convolve(c), weightQuant(c.weight), inputQuant),
        _ => throw new ArgumentException($"only linear and convolution layers can be quantized or binarized, not {layer.GetType().Name}", nameof(layer)),
    };

    /// <summary>The latent full-precision weight that training updates.</summary>
    public Parameter Weight => weight;

    public Tensor QuantizedWeight() => weight_quant?.forward(weight) ?? weight;

    public override Tensor forward(Tensor x)
    {
        var input = input_quant?.forward(x) ?? x;
        var weight = QuantizedWeight();
        return _inputGradient?.InputGradientMask is { } mask && is_grad_enabled()
            ? MaskedInputGradient.apply(input, weight, bias, mask, _operation)
            : _operation(input, weight, bias);
    }

    /// <summary>
    /// The layer's operation whose input gradient runs through weight ⊙ mask (N:M along the
    /// output channels, so the backward product is sparse too); the weight's and bias's
    /// gradients are the dense ones of the forward product. The backward recomputes the
    /// operation once on the masked weight to take both gradients from autograd.
    /// </summary>
    private sealed class MaskedInputGradient : torch.autograd.SingleTensorFunction<MaskedInputGradient>
    {
        public override string Name => nameof(MaskedInputGradient);

        public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
        {
            var (input, weight, bias, mask, operation) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor?)vars[2], (Tensor)vars[3], (Func<Tensor, Tensor, Tensor?, Tensor>)vars[4]);
            ctx.save_for_backward(bias is null ? new() { input, weight, mask } : new() { input, weight, mask, bias });
            ctx.save_data("operation", operation);
            return operation(input, weight, bias);
        }

        public override System.Collections.Generic.List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad)
        {
            var saved = ctx.get_saved_variables();
            var operation = (Func<Tensor, Tensor, Tensor?, Tensor>)ctx.get_data("operation");
            using var enable = enable_grad();
            var input = saved[0].detach().requires_grad_(true);
            var sparse = (saved[1] * saved[2]).detach().requires_grad_(true);
            var bias = saved.Count > 3 ? saved[3].detach().requires_grad_(true) : null;
            var output = operation(input, sparse, bias);
            var inputs = bias is null ? new[] { input, sparse } : new[] { input, sparse, bias };
            var grads = torch.autograd.grad(new[] { output }, inputs, new[] { grad });
            return new() { grads[0], grads[1], bias is null ? null! : grads[2], null!, null! };
        }
    }

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
