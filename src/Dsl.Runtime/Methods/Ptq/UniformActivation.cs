using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Runtime.LowBit;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Ptq;

/// <summary>
/// Uniform post-training activation quantization, one range for the tensor: 2^b − 1 equal steps
/// from <c>lower</c> to <c>upper</c>, the range being the calibration inputs' minimum and maximum
/// (min-max) or their (100 − p)-th and p-th percentiles (percentile, which clips outliers).
/// </summary>
public sealed class UniformActivation : ActivationCalibration
{
    /// <summary>Values a batch adds to the percentile's sample.</summary>
    private const long SampledPerBatch = 65536;

    private readonly Tensor lower;
    private readonly Tensor upper;
    private readonly long _bits;
    private readonly double? _percentile;
    private readonly List<Tensor> _sample = new();
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    /// <param name="percentile">Null for min-max; else the upper percentile (99.99), the lower being 100 minus it.</param>
    public UniformActivation(long bits, double? percentile) : base(nameof(UniformActivation))
    {
        _bits = bits;
        _percentile = percentile;
        lower = zeros(1);
        upper = ones(1);
        RegisterComponents();
    }

    public (double Lower, double Upper) Range => (lower.item<float>(), upper.item<float>());

    public override void Observe(Tensor x, Generator generator)
    {
        using var flat = x.detach().flatten().to(ScalarType.Float32, CPU);
        _min = Math.Min(_min, flat.min().item<float>());
        _max = Math.Max(_max, flat.max().item<float>());
        if (_percentile is not null)
        {
            using var positions = Positions(flat.shape[0], SampledPerBatch, generator);
            // Kept past the calibration batch's dispose scope, until Finish.
            _sample.Add(flat.index_select(0, positions).DetachFromDisposeScope());
        }
    }

    public override void Finish(int seed)
    {
        if (double.IsInfinity(_min)) throw new InvalidOperationException("a uniform activation quantizer saw no calibration data");
        var (l, u) = (_min, _max);
        if (_percentile is { } p)
        {
            using var all = cat(_sample.ToArray());
            using var sorted = all.sort().Values;
            l = sorted[Rank(sorted.shape[0], 100 - p)].item<float>();
            u = sorted[Rank(sorted.shape[0], p)].item<float>();
            foreach (var t in _sample) t.Dispose();
            _sample.Clear();
        }
        if (u <= l) u = l + 1e-8;
        lower.fill_(l);
        upper.fill_(u);
    }

    public override Tensor forward(Tensor x)
    {
        var (l, u) = Range;
        var step = (u - l) / ((1L << (int)_bits) - 1);
        var q = Ste.Round((x.clamp(l, u) - l) / step);
        return q * step + l;
    }

    /// <summary>The index of the <paramref name="percent"/>-th percentile among <paramref name="n"/> sorted values (nearest rank).</summary>
    private static long Rank(long n, double percent) => Math.Clamp((long)Math.Round(percent / 100 * (n - 1)), 0, n - 1);
}
