using System;
using System.Linq;
using Dsl.Runtime.Distributed;
using Dsl.Runtime.LowBit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.MultiBit;

/// <summary>
/// A linear or convolution layer of a @multibit body. It keeps one set of weights per branch
/// (<c>weight</c>: [G, out, in, ...], <c>bias</c>: [G, out]), each branch's weight bounds
/// (<c>weight_lower</c>/<c>weight_upper</c>: [G, 1], or [1, widths] for switch, whose one set of
/// weights has bounds per width) and its input's bounds per width (<c>input_lower</c>/<c>input_upper</c>:
/// [G, widths]). At a width, copy k of the batch runs branch k of the plan: its input quantized
/// to the width, its weight to 2 bits (to the width for switch). Bounds start from the first
/// batch that meets them (<see cref="MultiBitQuantizers"/>; in a data-parallel run, every rank's
/// shard of it); <c>*_ready</c> records which have.
/// </summary>
public sealed class MultiBitLayer : BranchedModule, IBatchStatistics
{
    private Communicator? _replicas;
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly Parameter weight_lower;
    private readonly Parameter weight_upper;
    private readonly Parameter input_lower;
    private readonly Parameter input_upper;
    private readonly Tensor weight_ready;
    private readonly Tensor input_ready;
    private readonly Func<Tensor, Tensor, Tensor?, Tensor> _operation;
    private readonly bool _linear;

    public MultiBitLayer(nn.Module<Tensor, Tensor> layer, MultiBitWidths widths) : base(nameof(MultiBitLayer), widths)
    {
        var (original, originalBias) = layer switch
        {
            Linear l => (l.weight!, l.bias),
            Convolution { groups: 1, transposed: false } c => (c.weight!, c.bias),
            Convolution => throw new ArgumentException("@multibit runs linear and ungrouped, untransposed convolution layers", nameof(layer)),
            _ => throw new ArgumentException($"@multibit runs linear and convolution layers, not {layer.GetType().Name}", nameof(layer)),
        };
        _linear = layer is Linear;
        _operation = LowBitLayer.Operation(layer);
        var g = widths.Branches;
        using (no_grad())
        {
            // Every branch draws its own weights from a normal distribution (He, fan-out), as MultiQuant's
            // reference does: ±3·std bounds then meet all four 2-bit levels, which a uniform draw never reaches past ±2·std.
            var weights = stack(Enumerable.Range(0, g).Select(_ => Fresh(original)).ToArray());
            weight = new Parameter(weights);
            if (originalBias is not null)
            {
                var bound = 1 / Math.Sqrt(original[0].numel());
                bias = new Parameter(stack(Enumerable.Range(0, g).Select(_ => empty_like(originalBias).uniform_(-bound, bound)).ToArray()));
            }
        }
        var weightBounds = widths.Method == "switch" ? widths.Bits.Count : 1;
        weight_lower = new Parameter(zeros(g, weightBounds));
        weight_upper = new Parameter(ones(g, weightBounds));
        input_lower = new Parameter(zeros(g, widths.Bits.Count));
        input_upper = new Parameter(ones(g, widths.Bits.Count));
        weight_ready = zeros(g, weightBounds);
        input_ready = zeros(g, widths.Bits.Count);
        RegisterComponents();
    }

    /// <summary>Branch <paramref name="branch"/>'s weight as the width runs it: 2-bit (or the width's bits for switch), the full layer.</summary>
    public Tensor QuantizedWeight(int branch) => QuantizeWeight(branch, weight[branch], Bits);

    /// <summary>
    /// How far the weights a width runs are from their quantized values: Σ (w − w̃)² and Σ w² over
    /// the weights of the branches <paramref name="bits"/> runs (half a branch: the part it runs),
    /// w̃ the quantized weight mapped back into the weights' range, l + (u − l)·(ŵ + 1)/2.
    /// </summary>
    public (double Error, double Energy) WeightError(long bits)
    {
        using var noGrad = no_grad();
        double error = 0, energy = 0;
        foreach (var use in Widths.Plan(bits))
        {
            var w = weight[use.Branch];
            if (use.Half) w = w.narrow(0, 0, BranchTable.HalfChannels(w.shape[0])).narrow(1, 0, BranchTable.HalfChannels(w.shape[1]));
            // Quantizing first starts the bounds of a branch that has not run yet.
            var quantized = QuantizeWeight(use.Branch, w, bits);
            var index = Widths.WeightBoundsIndex(bits);
            var (lower, upper) = (weight_lower[use.Branch, index], weight_upper[use.Branch, index]);
            var restored = lower + (upper - lower) * (quantized + 1) / 2;
            error += (w - restored).square().sum().item<float>();
            energy += w.square().sum().item<float>();
        }
        return (error, energy);
    }

    protected override Tensor Run(Tensor x, BranchUse use)
    {
        var w = weight[use.Branch];
        var b = bias?[use.Branch];
        var axis = _linear ? x.dim() - 1 : 1;
        var outputs = w.shape[0];
        if (use.Half)
        {
            var (kept, read) = (BranchTable.HalfChannels(outputs), BranchTable.HalfChannels(w.shape[1]));
            w = w.narrow(0, 0, kept).narrow(1, 0, read);
            b = b?.narrow(0, 0, kept);
            x = x.narrow(axis, 0, read);
        }
        var y = _operation(QuantizeInput(use.Branch, x), QuantizeWeight(use.Branch, w, Bits), b);
        return use.Half ? BranchedBatch.Padded(y, _linear ? y.dim() - 1 : 1, outputs) : y;
    }

    bool IBatchStatistics.OnRequest => false;

    void IBatchStatistics.ReduceOver(Communicator? replicas) => _replicas = replicas;

    private Tensor QuantizeInput(int branch, Tensor x)
    {
        var width = Widths.IndexOf(Bits);
        Start(input_ready, input_lower, input_upper, branch, width, () => MultiBitQuantizers.ActivationBounds(x, _replicas));
        return MultiBitQuantizers.Activation(x, input_lower[branch, width], input_upper[branch, width], Bits);
    }

    private Tensor QuantizeWeight(int branch, Tensor w, long bits)
    {
        var index = Widths.WeightBoundsIndex(bits);
        Start(weight_ready, weight_lower, weight_upper, branch, index, () => MultiBitQuantizers.WeightBounds(weight[branch]));
        return MultiBitQuantizers.Weight(w, weight_lower[branch, index], weight_upper[branch, index], Widths.WeightBits(bits));
    }

    private static void Start(Tensor ready, Parameter lower, Parameter upper, int branch, int index, Func<(double Lower, double Upper)> bounds)
    {
        if (ready[branch, index].item<float>() != 0) return;
        using var noGrad = no_grad();
        var (l, u) = bounds();
        lower[branch, index].fill_(l);
        upper[branch, index].fill_(u);
        ready[branch, index].fill_(1);
    }

    private static Tensor Fresh(Tensor like)
    {
        var w = empty_like(like);
        nn.init.kaiming_normal_(w, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
        return w;
    }
}
