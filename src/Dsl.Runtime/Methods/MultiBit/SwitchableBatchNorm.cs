using Dsl.Runtime.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.MultiBit;

/// <summary>
/// A BatchNorm of a @multibit body, one per branch and bit-width (switchable BN): a width's
/// activations have their own statistics. <c>weight</c>, <c>bias</c>, <c>running_mean</c> and
/// <c>running_var</c> are [G, widths, C]; copy k of the batch uses branch k's set at the
/// current width, and half a branch normalizes only the channels it computes. Synchronised
/// across the ranks of a data-parallel run on request, as the plain BatchNorm.
/// </summary>
public sealed class SwitchableBatchNorm : BranchedModule, IBatchStatistics
{
    private Communicator? _replicas;
    private readonly Parameter? weight;
    private readonly Parameter? bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;
    private readonly double _eps;
    private readonly double _momentum;

    public SwitchableBatchNorm(long features, double eps, double momentum, bool affine, MultiBitWidths widths) : base(nameof(SwitchableBatchNorm), widths)
    {
        var (g, w) = (widths.Branches, widths.Bits.Count);
        if (affine)
        {
            weight = new Parameter(ones(g, w, features));
            bias = new Parameter(zeros(g, w, features));
        }
        running_mean = zeros(g, w, features);
        running_var = ones(g, w, features);
        (_eps, _momentum) = (eps, momentum);
        RegisterComponents();
    }

    /// <summary>Branch <paramref name="branch"/>'s running mean at <paramref name="bits"/>.</summary>
    public Tensor RunningMean(int branch, long bits) => running_mean[branch, Widths.IndexOf(bits)];

    bool IBatchStatistics.OnRequest => true;

    void IBatchStatistics.ReduceOver(Communicator? replicas) => _replicas = replicas;

    protected override Tensor Run(Tensor x, BranchUse use)
    {
        var width = Widths.IndexOf(Bits);
        var channels = x.shape[1];
        var kept = use.Half ? BranchTable.HalfChannels(channels) : channels;
        // Views into the [G, widths, C] buffers, so the running statistics update in place.
        Tensor Of(Tensor t) => t[use.Branch, width].narrow(0, 0, kept);
        var y = BatchNormalization.Apply(x.narrow(1, 0, kept), Of(running_mean), Of(running_var),
            weight is null ? null : Of(weight), bias is null ? null : Of(bias), training, _momentum, _eps, _replicas);
        return use.Half ? BranchedBatch.Padded(y, 1, channels) : y;
    }
}
