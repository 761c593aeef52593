using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Ptq;

/// <summary>
/// DFSQ's activation path for a convolution's input [N, C, ...]. Each sample's channel is
/// normalised by itself: x̃ = x / max|x| when the layer's inputs are never negative (after a
/// ReLU), else x̃ = (x − μ) / max|x − μ| with μ its spatial mean (<c>shifted</c>). x̃ snaps to
/// the nearest of the channel's 2^b <c>points</c>, chosen at calibration from the universal set
/// by k-means (<see cref="PointSelection"/>), and is mapped back. Rounding passes gradients
/// straight through, for optional fine-tuning.
/// </summary>
public sealed class DfsqActivation : ActivationCalibration
{
    /// <summary>Normalised values a batch adds per channel, and the most a channel keeps for its selection.</summary>
    private const long SampledPerBatch = 2048;
    private const int KeptPerChannel = 8192;

    private readonly Tensor points;
    private readonly Tensor shifted;
    private readonly double[] _universe;
    private readonly PtqOptions _options;
    private readonly List<(Tensor Plain, Tensor Shifted)> _observed = new();
    private bool _sawNegative;

    public DfsqActivation(long channels, PtqOptions options) : base(nameof(DfsqActivation))
    {
        _options = options;
        _universe = UniversalSet.Values((int)options.Terms, (int)options.Shift);
        points = zeros(channels, 1L << (int)options.ActivationBits);
        shifted = zeros(1);
        RegisterComponents();
    }

    /// <summary>Each channel's points, ascending [C, 2^b] (a channel that selected fewer repeats its largest).</summary>
    public Tensor Points => points;

    /// <summary>Whether inputs are centred on their mean before scaling (they can be negative).</summary>
    public bool Shifted => shifted.item<float>() != 0;

    public override void Observe(Tensor x, Generator generator)
    {
        using var scope = NewDisposeScope();
        var flat = Flat(x.detach()).to(ScalarType.Float32, CPU);
        _sawNegative |= flat.min().item<float>() < 0;
        var (plain, _, _) = Normalise(flat, centred: false);
        var (centred, _, _) = Normalise(flat, centred: true);
        // One draw of (sample, position) pairs for every channel: [C, m].
        var (n, c, l) = (flat.shape[0], flat.shape[1], flat.shape[2]);
        var positions = Positions(n * l, SampledPerBatch, generator);
        Tensor Sampled(Tensor t) => t.permute(1, 0, 2).reshape(c, n * l).index_select(1, positions).DetachFromDisposeScope();
        _observed.Add((Sampled(plain), Sampled(centred)));
    }

    public override void Finish(int seed)
    {
        if (_observed.Count == 0) throw new InvalidOperationException("a DFSQ activation quantizer saw no calibration data");
        using var values = cat(_observed.Select(o => _sawNegative ? o.Shifted : o.Plain).ToArray(), 1).to_type(ScalarType.Float64);
        foreach (var (p, s) in _observed)
        {
            p.Dispose();
            s.Dispose();
        }
        _observed.Clear();
        var (channels, k) = (points.shape[0], points.shape[1]);
        var data = values.data<double>().ToArray();
        var perChannel = (int)values.shape[1];
        var chosen = new double[channels][];
        Parallel.For(0, (int)channels, ch =>
        {
            var sample = new ArraySegment<double>(data, ch * perChannel, perChannel).Take(KeptPerChannel);
            var selected = new PointSelection(sample).KMeans(_universe, (int)k, (int)_options.Restarts, (int)_options.Iterations, seed + ch);
            chosen[ch] = Enumerable.Range(0, (int)k).Select(i => selected.Points[Math.Min(i, selected.Points.Length - 1)]).ToArray();
        });
        using var table = tensor(chosen.SelectMany(p => p).Select(v => (float)v).ToArray(), new[] { channels, k });
        points.copy_(table);
        shifted.fill_(_sawNegative ? 1 : 0);
    }

    public override Tensor forward(Tensor x)
    {
        var flat = Flat(x);
        var (normalised, centre, scale) = Normalise(flat, Shifted);
        var (n, c, l) = (flat.shape[0], flat.shape[1], flat.shape[2]);
        var table = points.to(x.dtype, x.device);
        var mids = (table.narrow(1, 0, table.shape[1] - 1) + table.narrow(1, 1, table.shape[1] - 1)) / 2;
        var byChannel = normalised.detach().permute(1, 0, 2).reshape(c, n * l).contiguous();
        var index = searchsorted(mids.contiguous(), byChannel);
        var snapped = table.gather(1, index).reshape(c, n, l).permute(1, 0, 2);
        var restored = snapped * scale + centre;
        // Straight through: the value is the quantized one, the gradient the input's.
        return (flat + (restored - flat).detach()).reshape(x.shape);
    }

    /// <summary>[N, C, ...] as [N, C, L].</summary>
    private static Tensor Flat(Tensor x)
    {
        if (x.dim() < 3) throw new ArgumentException($"DFSQ quantizes a convolution's input [N, C, ...], not [{string.Join(", ", x.shape)}]");
        return x.flatten(2);
    }

    /// <summary>The normalised input and the centre and scale that map it back (each [N, C, 1]).</summary>
    private static (Tensor Normalised, Tensor Centre, Tensor Scale) Normalise(Tensor x, bool centred)
    {
        var centre = centred ? x.mean(new long[] { 2 }, keepdim: true).detach() : zeros(1, dtype: x.dtype, device: x.device);
        var deviation = x - centre;
        var peak = deviation.abs().amax(new long[] { 2 }, keepdim: true).detach();
        // An all-zero channel stays zero.
        var scale = where(peak > 0, peak, ones_like(peak));
        return (deviation / scale, centre, scale);
    }
}
