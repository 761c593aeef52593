using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit;

/// <summary>
/// The two backward products of a linear or convolution, for a custom backward
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

    /// <summary>
    /// A convolution: both products from autograd on the operation run again on the masked
    /// weight (one more forward). On a CPU this beats writing them out (a transposed convolution
    /// and an unfolded weight gradient ran the Bi-Mask step at 1.86× a dense one, this at 1.12×).
    /// </summary>
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
