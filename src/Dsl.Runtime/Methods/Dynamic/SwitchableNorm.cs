using Dsl.Runtime.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Dynamic;

/// <summary>
/// The BatchNorm after a slimmable convolution: one set of statistics and affine parameters per
/// width (switchable BN, as slimmable networks have), over the channels that width computes.
/// <c>weight</c>, <c>bias</c>, <c>running_mean</c> and <c>running_var</c> are [widths, C].
/// Synchronised across the ranks of a data-parallel run on request, as the plain BatchNorm.
/// </summary>
public sealed class SwitchableNorm : nn.Module<Tensor, Tensor>, ISlimmable, IBatchStatistics
{
    private Communicator? _replicas;
    private readonly Parameter? weight;
    private readonly Parameter? bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;
    private readonly double _eps;
    private readonly double _momentum;

    public SwitchableNorm(long features, double eps, double momentum, bool affine, DynamicWidths widths) : base(nameof(SwitchableNorm))
    {
        var count = widths.Widths.Count;
        if (affine)
        {
            weight = new Parameter(ones(count, features));
            bias = new Parameter(zeros(count, features));
        }
        running_mean = zeros(count, features);
        running_var = ones(count, features);
        (_eps, _momentum, Widths) = (eps, momentum, widths);
        RegisterComponents();
    }

    public DynamicWidths Widths { get; }

    bool IBatchStatistics.OnRequest => true;

    void IBatchStatistics.ReduceOver(Communicator? replicas) => _replicas = replicas;

    public override Tensor forward(Tensor x)
    {
        var index = Widths.IndexOf(Widths.Current);
        var channels = x.shape[1];
        // Views into the [widths, C] buffers, so the running statistics update in place.
        Tensor Of(Tensor t) => t[index].narrow(0, 0, channels);
        return BatchNormalization.Apply(x, Of(running_mean), Of(running_var), weight is null ? null : Of(weight), bias is null ? null : Of(bias), training, _momentum, _eps, _replicas);
    }
}
