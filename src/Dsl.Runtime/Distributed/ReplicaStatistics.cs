using static TorchSharp.torch;

namespace Dsl.Runtime.Distributed;

/// <summary>A statistic of this rank's batch, or of every rank's shard together in a data-parallel run.</summary>
internal static class ReplicaStatistics
{
    /// <summary><paramref name="statistic"/> itself with no replicas; otherwise a copy reduced over them.</summary>
    public static Tensor Over(Communicator? replicas, Tensor statistic, ReduceOperation operation)
    {
        if (replicas is not { Size: > 1 }) return statistic;
        var total = statistic.contiguous().clone();
        replicas.AllReduce(total, operation);
        return total;
    }

    /// <summary>The unbiased standard deviation of all elements of every rank's <paramref name="x"/>, as <c>x.std()</c> of the whole batch.</summary>
    public static double Std(Communicator? replicas, Tensor x)
    {
        if (replicas is not { Size: > 1 }) return x.std().item<float>();
        var values = x.detach().to_type(ScalarType.Float64);
        var sums = Over(replicas, stack(new[] { values.sum(), values.square().sum(), tensor((double)x.numel()) }), ReduceOperation.Sum).data<double>().ToArray();
        var (sum, squares, n) = (sums[0], sums[1], sums[2]);
        return System.Math.Sqrt(System.Math.Max(0, (squares - sum * sum / n) / (n - 1)));
    }
}
