using System;
using Dsl.Runtime.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit;

/// <summary>
/// LSQ / LSQ+ fake quantization: q = round(clamp(x/s + z, Qn, Qp)), y = (q − z)·s, with a
/// learnable step s (per output channel of a weight, or one per tensor) and, for LSQ+, a
/// learnable zero point z. Rounding passes gradients straight through; the step's gradient is
/// scaled by 1/√(elements per step · Qp). Steps are initialised from the first batch seen:
/// 2·mean|x|/√Qp (LSQ), or for LSQ+ from the batch's range. Activations in <c>auto</c> mode are
/// unsigned when that batch is non-negative. In a data-parallel run that batch is every rank's
/// shard together, so all ranks start from the steps one process would.
/// </summary>
public sealed class LsqQuantizer : nn.Module<Tensor, Tensor>, IBatchStatistics
{
    private readonly Parameter step;
    private readonly Parameter? zero_point;
    private readonly Tensor initialized;
    private readonly Tensor unsigned;
    private readonly long? _channelAxis;
    private readonly string _sign;
    private Communicator? _replicas;

    /// <param name="bits">2 to 8.</param>
    /// <param name="channels">Steps along <paramref name="channelAxis"/> (a weight's output channels), or 1 step for the tensor.</param>
    /// <param name="sign">auto (unsigned when the first batch is non-negative), signed or unsigned.</param>
    public LsqQuantizer(long bits, long channels = 1, long? channelAxis = null, string sign = "signed", bool zeroPoint = false) : base(nameof(LsqQuantizer))
    {
        CheckBits(bits);
        if (sign is not ("auto" or "signed" or "unsigned")) throw new ArgumentException($"sign is auto, signed or unsigned, not '{sign}'", nameof(sign));
        Bits = bits;
        _channelAxis = channelAxis;
        _sign = sign;
        step = new Parameter(ones(channels));
        if (zeroPoint) zero_point = new Parameter(zeros(channels));
        initialized = zeros(1);
        unsigned = tensor(new[] { sign == "unsigned" ? 1f : 0f });
        RegisterComponents();
    }

    public long Bits { get; }

    /// <summary>Refuses bit-widths LSQ does not simulate: 2 to 8 only.</summary>
    public static void CheckBits(long bits)
    {
        if (bits is < 2 or > 8) throw new ArgumentOutOfRangeException(nameof(bits), bits, "LSQ quantizes to 2 to 8 bits; 16 or 32 bits is full precision: leave the layer unquantized");
    }

    /// <summary>Whether the range is [0, 2^b − 1] rather than [−2^(b−1), 2^(b−1) − 1].</summary>
    public bool Unsigned => unsigned.item<float>() > 0;

    public (double Qn, double Qp) Range => Unsigned ? (0, (1L << (int)Bits) - 1) : (-(1L << (int)(Bits - 1)), (1L << (int)(Bits - 1)) - 1);

    /// <summary>The current step, broadcastable against the input.</summary>
    public Tensor Step(Tensor x) => ChannelAxis.Broadcast(step, x, _channelAxis);

    bool IBatchStatistics.OnRequest => false;

    void IBatchStatistics.ReduceOver(Communicator? replicas) => _replicas = replicas;

    public override Tensor forward(Tensor x)
    {
        if (initialized.item<float>() == 0) Initialize(x);
        var (qn, qp) = Range;
        var perStep = x.numel() / step.numel();
        var scale = 1.0 / Math.Sqrt(perStep * qp);
        var s = ChannelAxis.Broadcast(Ste.ScaleGradient(step, scale), x, _channelAxis);
        var z = zero_point is null ? null : ChannelAxis.Broadcast(Ste.ScaleGradient(zero_point, scale), x, _channelAxis);
        var scaled = z is null ? x / s : x / s + z;
        var q = Ste.Round(scaled.clamp(qn, qp));
        return z is null ? q * s : (q - z) * s;
    }

    private void Initialize(Tensor x)
    {
        using var noGrad = no_grad();
        var detached = x.detach();
        if (_sign == "auto") unsigned.fill_(ReplicaStatistics.Over(_replicas, detached.min(), ReduceOperation.Min).item<float>() >= 0 ? 1 : 0);
        var (qn, qp) = Range;
        if (zero_point is null)
        {
            var sumAbs = ReplicaStatistics.Over(_replicas, ChannelAxis.Reduce(detached.abs(), _channelAxis, (t, dims) => t.sum(dims)), ReduceOperation.Sum);
            var count = ReplicaStatistics.Over(_replicas, tensor(x.numel() / step.numel(), dtype: ScalarType.Float64), ReduceOperation.Sum).item<double>();
            step.copy_((2 * (sumAbs / count) / Math.Sqrt(qp)).clamp_min(1e-8));
        }
        else
        {
            // LSQ+: the batch's range spans the levels, its minimum on Qn.
            var low = ReplicaStatistics.Over(_replicas, ChannelAxis.Reduce(detached, _channelAxis, (t, dims) => t.amin(dims)), ReduceOperation.Min);
            var high = ReplicaStatistics.Over(_replicas, ChannelAxis.Reduce(detached, _channelAxis, (t, dims) => t.amax(dims)), ReduceOperation.Max);
            var s = ((high - low) / (qp - qn)).clamp_min(1e-8);
            step.copy_(s);
            zero_point!.copy_(qn - low / s);
        }
        initialized.fill_(1);
    }

}
