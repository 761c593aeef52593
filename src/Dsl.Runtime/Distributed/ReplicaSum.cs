using System.Collections.Generic;
using static TorchSharp.torch;

namespace Dsl.Runtime.Distributed;

/// <summary>
/// The sum of a tensor over the ranks, differentiable: every rank's loss depends on every
/// rank's input through the sum, so the backward pass sums the gradients over the ranks too.
/// </summary>
internal sealed class ReplicaSum : autograd.SingleTensorFunction<ReplicaSum>
{
    public override string Name => nameof(ReplicaSum);

    /// <param name="vars">the tensor, the <see cref="Communicator"/>.</param>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (local, replicas) = ((Tensor)vars[0], (Communicator)vars[1]);
        ctx.save_data("replicas", replicas);
        var total = local.detach().clone();
        replicas.AllReduce(total);
        return total;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
    {
        var total = grad.clone();
        ((Communicator)ctx.get_data("replicas")).AllReduce(total);
        return new List<Tensor> { total, null! };
    }
}
