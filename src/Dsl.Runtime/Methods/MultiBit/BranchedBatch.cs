using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Dsl.Runtime.MultiBit;

/// <summary>
/// How a @multibit body carries its branches: the batch holds one copy of the samples per branch
/// in use, in the order of the width's plan (<see cref="MultiBitState.Enter"/> makes the copies,
/// <see cref="MultiBitState.Leave"/> averages them), and each layer runs copy k with branch k's
/// weights. Half a branch computes its first C/√2 channels and leaves the rest zero.
/// </summary>
internal static class BranchedBatch
{
    /// <summary>Runs <paramref name="run"/> on each branch's copy and joins the results in the same order.</summary>
    public static Tensor Each(Tensor x, IReadOnlyList<BranchUse> plan, Func<Tensor, BranchUse, Tensor> run)
    {
        if (plan.Count == 1) return run(x, plan[0]);
        if (x.shape[0] % plan.Count != 0)
            throw new ArgumentException($"a @multibit layer at this width runs {plan.Count} branches, but its batch of {x.shape[0]} is not a whole number of copies; " +
                "run the model through its forward, which copies the batch once per branch where the branched body starts");
        var copies = x.chunk(plan.Count, 0);
        return cat(copies.Select((copy, k) => run(copy, plan[k])).ToArray(), 0);
    }

    /// <summary><paramref name="y"/> widened along <paramref name="axis"/> to <paramref name="channels"/> with zeros.</summary>
    public static Tensor Padded(Tensor y, long axis, long channels)
    {
        var shape = y.shape.ToArray();
        var missing = channels - shape[axis];
        if (missing == 0) return y;
        shape[axis] = missing;
        return cat(new[] { y, zeros(shape, y.dtype, y.device) }, axis);
    }
}
