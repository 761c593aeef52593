using System;
using System.Linq;
using Dsl.Runtime.Dynamic;
using Dsl.Runtime.LowBit;
using Dsl.Runtime.MultiBit;
using Dsl.Runtime.Prune;
using Dsl.Runtime.Ptq;
using Dsl.Runtime.Sparse;
using Dsl.Runtime.Winograd;

namespace Dsl.Runtime;

/// <summary>
/// The compression annotations' runtime side: generated code passes one of these to a layer
/// factory (<c>Layers.Linear(..., compression: Compression.Quant(w: 4, a: 4, ...))</c>), with
/// every argument of the annotation spelled out.
/// </summary>
public static class Compression
{
    /// <summary>@quant: LSQ (LSQ+ with <paramref name="zeroPoint"/>); null bits keep that side in full precision.</summary>
    public static Compressor Quant(long? w, long? a, string weight, string act, bool zeroPoint, bool attention) =>
        new QuantCompressor(w, a, weight == "per_channel", act, zeroPoint, attention);

    /// <summary>@binarize: method plain, rebnn or bivit.</summary>
    public static Compressor Binarize(string method, bool weights, bool activations, bool attention, bool scale, double factor,
        string gamma, double gammaValue, bool qkNorm, double geluClip) =>
        new BinarizeCompressor(method, weights, activations, attention, scale, factor, gamma, gammaValue, qkNorm, geluClip);

    /// <summary>@prune: magnitude pruning of the fraction <paramref name="amount"/> of each layer's weights.</summary>
    public static Compressor Prune(double amount) => new PruneCompressor(amount);

    /// <summary>@sparse: N:M sparsity by method bimask, forward or transposable (see <see cref="NmSparsity"/>).</summary>
    public static Compressor Sparse(long n, long m, string method, long interval, long candidates, double decay) =>
        new SparseCompressor(n, m, method, interval, candidates, decay);

    /// <summary>
    /// @multibit: MultiQuant's 2-bit branches (<paramref name="method"/> multibranch) or one set of
    /// weights re-quantized to each width (switch), at the widths <paramref name="bits"/>;
    /// <paramref name="distill"/> is the model's training setting (<see cref="MultiBitState"/>), not the layer's.
    /// </summary>
    public static Compressor MultiBit(long[] bits, string method, bool amortized, bool distill) =>
        new MultiBitCompressor(new MultiBitWidths(bits, method, amortized));

    /// <summary>
    /// @ptq: quantization after training (<paramref name="method"/> dfsq, minmax or percentile) at
    /// <paramref name="w"/>-bit weights and <paramref name="a"/>-bit inputs; the layers compute in
    /// full precision until <see cref="PostTraining.Calibrate"/> sets them up.
    /// </summary>
    public static Compressor Ptq(string method, long w, long a, long samples, long restarts, long iterations, long terms, long shift, double percentile) =>
        new PtqCompressor(new PtqOptions(method, w, a, samples, restarts, iterations, terms, shift, percentile));

    /// <summary>
    /// @winograd: a stride-1 3×3×3 conv3d computed as F(<paramref name="tile"/>, 3), its weight
    /// trained in the Winograd domain (<paramref name="mode"/> direct_winograd) or as U = P·Q of
    /// <paramref name="rank"/> (lowrank), down to <paramref name="keep"/> positions (null: all) over
    /// <paramref name="pruneEpochs"/> epochs.
    /// </summary>
    public static Compressor Winograd(long tile, string mode, long rank, long? keep, long pruneEpochs) =>
        new WinogradCompressor(tile, mode, rank, keep, pruneEpochs);

    /// <summary>
    /// @dynamic: a slimmable convolution or switchable BatchNorm at <paramref name="widths"/>,
    /// slimming <paramref name="slim"/> (both, inputs, outputs, none); the routing's settings are the
    /// model's (<see cref="DynamicState"/>), not the layer's.
    /// </summary>
    public static Compressor Dynamic(double[] widths, string slim, long overlap, double cutoff, double colourWeight) =>
        new DynamicCompressor(widths, slim);

    /// <summary>@dynamic on a convolution that reads a concatenation: each part's channels, and whether it is slimmed (1) or read whole (0).</summary>
    public static Compressor DynamicParts(Compressor compressor, long[] parts, long[] slimmed) =>
        compressor is DynamicCompressor dynamic && parts.Length == slimmed.Length
            ? dynamic.WithInputParts(parts.Zip(slimmed, (c, s) => new InputPart(c, s != 0)).ToList())
            : throw new ArgumentException("DynamicParts takes a @dynamic compressor and one flag per part");

    /// <summary>Several methods on one layer, in the order given (the compiler puts masks before quantizers).</summary>
    public static Compressor Compose(params Compressor[] parts) => new ComposedCompressor(parts);
}
