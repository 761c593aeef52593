using Dsl.Runtime.Distributed;
using static TorchSharp.torch;

namespace Dsl.Runtime.MultiBit;

/// <summary>
/// MultiQuant's quantizers, each with learnable bounds [l, u] and rounding that passes its
/// gradient straight through. Weights: ŵ = 2·(round(L·clip((w − l)/(u − l), 0, 1))/L − ½) with
/// L = 2^b − 1, so 2-bit weights take {−1, −⅓, ⅓, 1}. Activations:
/// x̂ = round(L·clip((x − l)/(u − l), 0, 1))/L, at most 2^b levels in [0, 1].
/// </summary>
public static class MultiBitQuantizers
{
    public static Tensor Weight(Tensor w, Tensor lower, Tensor upper, long bits) =>
        2 * (Levels(Unit(w, lower, upper), bits) - 0.5);

    public static Tensor Activation(Tensor x, Tensor lower, Tensor upper, long bits) =>
        Levels(Unit(x, lower, upper), bits);

    /// <summary>The weight bounds' start from the weights: ±3·std.</summary>
    public static (double Lower, double Upper) WeightBounds(Tensor w)
    {
        var std = w.std().item<float>();
        return (-3 * std, 3 * std);
    }

    /// <summary>The activation bounds' start from one batch: the minimum, and 3·std/√(1 − 2/π) (the spread of a rectified normal).</summary>
    /// <param name="replicas">The ranks whose shards make up the batch in a data-parallel run, or null.</param>
    public static (double Lower, double Upper) ActivationBounds(Tensor x, Communicator? replicas = null)
    {
        var (lower, std) = (ReplicaStatistics.Over(replicas, x.min(), ReduceOperation.Min).item<float>(), ReplicaStatistics.Std(replicas, x));
        // A constant batch has no spread to start from: one unit above its value.
        return (lower, System.Math.Max(3 * std / System.Math.Sqrt(1 - 2 / System.Math.PI), lower + 1));
    }

    private static Tensor Unit(Tensor v, Tensor lower, Tensor upper) => ((v - lower) / (upper - lower)).clamp(0, 1);

    private static Tensor Levels(Tensor unit, long bits)
    {
        var levels = (1L << (int)bits) - 1;
        var scaled = unit * levels;
        return (scaled + (scaled.round() - scaled).detach()) / levels;
    }
}
