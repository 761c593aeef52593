using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit;

/// <summary>
/// The two backward products of a linear or convolution, written out, for a custom backward
/// that takes the input gradient through another weight than the forward's (Bi-Mask): the input
/// gradient with a given weight, the weight gradient (dense), and the bias gradient.
/// </summary>
internal abstract class LayerGradients
{
    public abstract Tensor Input(Tensor grad, Tensor weight, Tensor input);

    public abstract Tensor Weight(Tensor grad, Tensor input, Tensor weight);

    public abstract Tensor Bias(Tensor grad);

    /// <summary>y = x·Wᵀ + b over the last dimension.</summary>
    public sealed class Linear : LayerGradients
    {
        public override Tensor Input(Tensor grad, Tensor weight, Tensor input) => grad.matmul(weight);

        public override Tensor Weight(Tensor grad, Tensor input, Tensor weight) =>
            grad.reshape(-1, grad.shape[^1]).t().mm(input.reshape(-1, input.shape[^1]));

        public override Tensor Bias(Tensor grad) => grad.reshape(-1, grad.shape[^1]).sum(new long[] { 0 });
    }

    /// <summary>A 2-d convolution: the input gradient by the transposed convolution, the weight gradient from the unfolded input.</summary>
    public sealed class Conv2d(long[] stride, long[] padding, long[] dilation, long groups) : LayerGradients
    {
        public override Tensor Input(Tensor grad, Tensor weight, Tensor input)
        {
            var outputPadding = new long[2];
            for (var i = 0; i < 2; i++)
            {
                var size = (grad.shape[2 + i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (weight.shape[2 + i] - 1) + 1;
                outputPadding[i] = input.shape[2 + i] - size;
            }
            return nn.functional.conv_transpose2d(grad, weight, null, stride, padding, outputPadding, dilation, groups);
        }

        public override Tensor Weight(Tensor grad, Tensor input, Tensor weight)
        {
            var (batch, outputs) = (grad.shape[0], grad.shape[1]);
            var columns = nn.functional.unfold(input, (weight.shape[2], weight.shape[3]), (dilation[0], dilation[1]), (padding[0], padding[1]), (stride[0], stride[1]));
            var positions = columns.shape[2];
            var perGroup = grad.reshape(batch, groups, outputs / groups, positions);
            var inputs = columns.reshape(batch, groups, columns.shape[1] / groups, positions);
            return einsum("bgol,bgkl->gok", perGroup, inputs).reshape(weight.shape);
        }

        public override Tensor Bias(Tensor grad) => grad.sum(new long[] { 0, 2, 3 });
    }

    /// <summary>Any other layer: both products from autograd on the operation run again (one more forward).</summary>
    public sealed class Recomputed(Func<Tensor, Tensor, Tensor?, Tensor> operation) : LayerGradients
    {
        private Tensor? _weightGrad;
        private Tensor? _biasGrad;

        public override Tensor Input(Tensor grad, Tensor weight, Tensor input)
        {
            using var enable = enable_grad();
            var x = input.detach().requires_grad_(true);
            var w = weight.detach().requires_grad_(true);
            var b = zeros(grad.shape[1], dtype: grad.dtype, device: grad.device).requires_grad_(true);
            var grads = torch.autograd.grad(new[] { operation(x, w, b) }, new[] { x, w, b }, new[] { grad });
            (_weightGrad, _biasGrad) = (grads[1], grads[2]);
            return grads[0];
        }

        // The products of the operation do not depend on which weight ran it, so the pass above gives them.
        public override Tensor Weight(Tensor grad, Tensor input, Tensor weight) => _weightGrad!;

        public override Tensor Bias(Tensor grad) => _biasGrad!;
    }
}
