using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dsl.Runtime.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Winograd;

/// <summary>
/// A stride-1 3×3×3 conv3d trained in the Winograd domain (F(m, 3), α = m + 2). <c>direct_winograd</c>
/// (the paper's vanilla baseline) trains the transformed weight U itself, <c>winograd_weight</c>
/// [α³, C_out, C_in]; <c>lowrank</c> trains U = P·Q with <c>p</c> [C_out·C_in, R] and <c>q</c>
/// [R, α³], started from the SVD of the transformed spatial weight (exact for R ≥ 27, the rank a
/// spatial kernel gives). <c>kept</c> [α³] marks the Winograd positions still computed; the
/// others' products are skipped and their weights get no gradient. Training removes positions
/// by <see cref="PositionScores"/> as its <see cref="PruningSchedule"/> says (<c>Trainer.Fit</c>
/// runs it: the layer is a training contributor).
/// </summary>
public sealed class WinogradLayer : nn.Module<Tensor, Tensor>, ITrainingContributor
{
    private readonly Parameter? winograd_weight;
    private readonly Parameter? p;
    private readonly Parameter? q;
    private readonly Parameter? bias;
    private readonly Tensor kept;
    private readonly long _padding;

    public WinogradLayer(nn.Module<Tensor, Tensor> layer, int tile, string mode, long rank, PruningSchedule? schedule = null) : base(nameof(WinogradLayer))
    {
        Schedule = schedule ?? PruningSchedule.None;
        if (layer is not Convolution { transposed: false } conv || conv.kernel_size.Length != 3)
            throw new ArgumentException("@winograd computes 3D convolutions (conv3d)", nameof(layer));
        if (conv.kernel_size.Any(k => k != 3) || conv.stride.Any(s => s != 1) || conv.dilation.Any(d => d != 1) || conv.groups != 1)
            throw new ArgumentException("@winograd computes stride-1, undilated, ungrouped 3×3×3 convolutions", nameof(layer));
        var padding = conv.padding ?? throw new ArgumentException("@winograd needs numeric padding", nameof(layer));
        if (padding.Distinct().Count() != 1) throw new ArgumentException("@winograd pads every dimension alike", nameof(layer));
        if (mode is not ("direct_winograd" or "lowrank")) throw new ArgumentException($"@winograd's mode is direct_winograd or lowrank, not '{mode}'", nameof(mode));
        Transforms = WinogradTransforms.For(tile);
        Mode = mode;
        _padding = padding[0];
        var positions = Transforms.Alpha * Transforms.Alpha * Transforms.Alpha;
        if (mode == "lowrank" && (rank < 1 || rank > positions))
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"the rank of U = P·Q runs from 1 to α³ = {positions}");
        Rank = mode == "lowrank" ? rank : 0;
        using (no_grad())
        {
            using var u = Winograd3d.TransformWeight(conv.weight!, Transforms);
            if (mode == "direct_winograd") winograd_weight = new Parameter(u.clone());
            else
            {
                var (left, right) = Factor(u, rank);
                p = new Parameter(left);
                q = new Parameter(right);
            }
            if (conv.bias is not null) bias = new Parameter(conv.bias.clone());
        }
        OutputChannels = conv.weight!.shape[0];
        InputChannels = conv.weight!.shape[1];
        kept = ones(positions);
        RegisterComponents();
    }

    public WinogradTransforms Transforms { get; }

    public PruningSchedule Schedule { get; }

    public string Mode { get; }

    /// <summary>R for lowrank, 0 for direct_winograd.</summary>
    public long Rank { get; }

    public long OutputChannels { get; }

    public long InputChannels { get; }

    /// <summary>How many of the α³ Winograd positions are computed.</summary>
    public long KeptPositions => (long)kept.sum().item<float>();

    /// <summary>The Winograd-domain weight the layer computes with, [α³, C_out, C_in].</summary>
    public Tensor Weight()
    {
        if (winograd_weight is not null) return winograd_weight;
        var alpha3 = q!.shape[1];
        return p!.matmul(q).reshape(OutputChannels, InputChannels, alpha3).permute(2, 0, 1);
    }

    /// <summary>
    /// Sets the layer from a spatial conv3d weight [C_out, C_in, 3, 3, 3] and bias (a PyTorch
    /// checkpoint's): U = (G⊗G⊗G)·g, factored again for lowrank (exact at rank ≥ 27); every
    /// position is kept again.
    /// </summary>
    public void LoadSpatial(Tensor weight, Tensor? spatialBias)
    {
        if (!weight.shape.SequenceEqual(new[] { OutputChannels, InputChannels, 3L, 3, 3 }))
            throw new ArgumentException($"a spatial weight for this layer is [{OutputChannels}, {InputChannels}, 3, 3, 3], not [{string.Join(", ", weight.shape)}]", nameof(weight));
        using var noGrad = no_grad();
        using var u = Winograd3d.TransformWeight(weight.to(kept.device), Transforms);
        if (winograd_weight is not null) winograd_weight.copy_(u);
        else
        {
            var (left, right) = Factor(u, Rank);
            using (left)
            using (right)
            {
                p!.copy_(left);
                q!.copy_(right);
            }
        }
        if (bias is not null && spatialBias is not null) bias.copy_(spatialBias);
        kept.fill_(1);
    }

    /// <summary>The spatial weight nearest to the layer's Winograd-domain weight, and how far U is from any spatial weight (0 while it is one).</summary>
    public (Tensor Weight, double Error) ToSpatial() => Winograd3d.ToSpatial(Weight().detach(), Transforms);

    /// <summary>
    /// Each position's importance: the norm of its column of Q (lowrank: how much the factors use
    /// it) or of U's position (direct_winograd); removed positions score 0.
    /// </summary>
    public Tensor PositionScores()
    {
        using var noGrad = no_grad();
        using var norms = q is not null ? q.norm(0, false, 2) : winograd_weight!.flatten(1).norm(1, false, 2);
        return norms * kept;
    }

    /// <summary>Keeps the <paramref name="count"/> best-scoring positions still kept and removes the rest for good.</summary>
    public void Keep(long count)
    {
        var positions = kept.shape[0];
        if (count < 1 || count > positions) throw new ArgumentOutOfRangeException(nameof(count), count, $"a layer keeps 1 to α³ = {positions} positions");
        using var noGrad = no_grad();
        using var scores = PositionScores();
        using var order = scores.argsort(descending: true);
        using var removed = order.narrow(0, count, positions - count);
        kept.index_fill_(0, removed, 0);
    }

    public IEnumerable<TrainingHook> Contributions(nn.Module<Tensor, Tensor> model, TextWriter log)
    {
        if (Schedule.Keep is not null) yield return new Pruning(this);
    }

    public override Tensor forward(Tensor x)
    {
        var u = Weight();
        var all = KeptPositions == kept.shape[0];
        using var indices = all ? null : kept.nonzero().flatten();
        return Winograd3d.Convolve(x, u, bias, Transforms, _padding, indices);
    }

    /// <summary>P [C_out·C_in, R] and Q [R, α³] from the SVD of U: P = A·√S, Q = √S·Bᵀ over the R largest singular values.</summary>
    private static (Tensor P, Tensor Q) Factor(Tensor u, long rank)
    {
        var (alpha3, o, i) = (u.shape[0], u.shape[1], u.shape[2]);
        using var matrix = u.permute(1, 2, 0).reshape(o * i, alpha3).to_type(ScalarType.Float64);
        var (a, s, vh) = linalg.svd(matrix, fullMatrices: false);
        using (a)
        using (s)
        using (vh)
        {
            var r = Math.Min(rank, s.shape[0]);
            using var root = s.narrow(0, 0, r).sqrt();
            var left = a.narrow(1, 0, r) * root;
            var right = root.unsqueeze(1) * vh.narrow(0, 0, r);
            // A rank past min(C_out·C_in, α³) adds factors that leave U as it is (zero columns of P)
            // but can learn (small random rows of Q give P's new columns a gradient).
            if (r < rank)
            {
                left = cat(new[] { left, zeros(o * i, rank - r, ScalarType.Float64) }, 1);
                right = cat(new[] { right, randn(rank - r, alpha3, ScalarType.Float64) * 1e-3 }, 0);
            }
            return (left.to_type(u.dtype), right.to_type(u.dtype));
        }
    }

    /// <summary>Removes positions at the start of each epoch the schedule covers.</summary>
    private sealed class Pruning(WinogradLayer layer) : TrainingHook
    {
        private int _epoch = -1;

        public override void OnStepStart(StepContext step)
        {
            if (step.Epoch == _epoch) return;
            _epoch = step.Epoch;
            var target = layer.Schedule.KeptAt(step.Epoch, layer.kept.shape[0]);
            if (target < layer.KeptPositions) layer.Keep(target);
        }
    }
}
