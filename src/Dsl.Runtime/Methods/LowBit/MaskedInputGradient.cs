using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit;

/// <summary>
/// A layer's operation whose input gradient runs through weight ⊙ mask (N:M along the output
/// channels, so that backward product is sparse too), while the weight's and bias's gradients
/// are the dense ones of the forward product.
/// </summary>
internal sealed class MaskedInputGradient : torch.autograd.SingleTensorFunction<MaskedInputGradient>
{
    public override string Name => nameof(MaskedInputGradient);

    /// <param name="vars">input, weight, bias (or null), mask, the operation, its <see cref="LayerGradients"/>.</param>
    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var (input, weight, bias, mask) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor?)vars[2], (Tensor)vars[3]);
        var (operation, gradients) = ((Func<Tensor, Tensor, Tensor?, Tensor>)vars[4], (LayerGradients)vars[5]);
        ctx.save_for_backward(new() { input, weight, mask });
        ctx.save_data("gradients", gradients);
        ctx.save_data("bias", bias is not null);
        return operation(input, weight, bias);
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad)
    {
        var saved = ctx.get_saved_variables();
        var (input, weight, mask) = (saved[0], saved[1], saved[2]);
        var gradients = (LayerGradients)ctx.get_data("gradients");
        var inputGrad = gradients.Input(grad, weight * mask, input);
        var weightGrad = gradients.Weight(grad, input, weight);
        var biasGrad = (bool)ctx.get_data("bias") ? gradients.Bias(grad) : null;
        return new() { inputGrad, weightGrad, biasGrad!, null!, null!, null! };
    }
}
