using System;
using static TorchSharp.torch;

namespace Dsl.Runtime.Sparse;

/// <summary>
/// N:M masks of a weight viewed as [C_out, K] (K = in_features, or C_in/groups·k_h·k_w in the
/// weight's own input-channel-major order): 1 where a weight is kept.
/// </summary>
public static class NmMasks
{
    /// <summary>In every group of M consecutive entries of a row, the N largest |w| (ties to the first).</summary>
    public static Tensor Forward(Tensor weight, long n, long m)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = weight.shape[0];
        var grouped = weight.reshape(rows, -1, m).abs();
        var kept = grouped.topk((int)n, dim: 2).indexes;
        var mask = zeros_like(grouped).scatter_(2, kept, ones(kept.shape, dtype: grouped.dtype, device: grouped.device));
        return mask.reshape(weight.shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Bi-Mask's backward mask: with the output channels reordered by <paramref name="permutation"/>,
    /// in every group of M consecutive (reordered) channels of a column keep the N largest
    /// |w ⊙ mask_f|; back in the weight's order and within <paramref name="forwardMask"/>.
    /// </summary>
    public static Tensor Backward(Tensor weight, Tensor forwardMask, Tensor permutation, long n, long m)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = weight.shape[0];
        var masked = (weight * forwardMask).reshape(rows, -1).abs();
        var permuted = masked.index_select(0, permutation);
        var grouped = permuted.reshape(rows / m, m, -1);
        var kept = grouped.topk((int)n, dim: 1).indexes;
        var chosen = zeros_like(grouped).scatter_(1, kept, ones(kept.shape, dtype: grouped.dtype, device: grouped.device)).reshape(rows, -1);
        var unpermuted = zeros_like(chosen).index_copy_(0, permutation, chosen);
        return (unpermuted.reshape(weight.shape) * forwardMask).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One mask N:M along both dimensions (the transposable baseline): in every M×M block of
    /// [C_out, K], entries by decreasing |w|, each kept while its row and its column in the block
    /// hold fewer than N. Greedy, so a group may keep fewer than N; it never keeps more.
    /// </summary>
    public static Tensor Transposable(Tensor weight, long n, long m)
    {
        using var noGrad = no_grad();
        var rows = weight.shape[0];
        var columns = weight.numel() / rows;
        using var magnitudes = weight.detach().reshape(rows, columns).abs().cpu().to_type(ScalarType.Float32);
        var values = magnitudes.data<float>().ToArray();
        var mask = new float[values.Length];
        var order = new int[m * m];
        var rowCount = new int[m];
        var columnCount = new int[m];
        for (long r0 = 0; r0 < rows; r0 += m)
        {
            for (long c0 = 0; c0 < columns; c0 += m)
            {
                for (var i = 0; i < order.Length; i++) order[i] = i;
                Array.Sort(order, (a, b) =>
                {
                    var byMagnitude = values[(r0 + b / m) * columns + c0 + b % m].CompareTo(values[(r0 + a / m) * columns + c0 + a % m]);
                    return byMagnitude != 0 ? byMagnitude : a.CompareTo(b);
                });
                Array.Clear(rowCount);
                Array.Clear(columnCount);
                foreach (var entry in order)
                {
                    var (r, c) = (entry / (int)m, entry % (int)m);
                    if (rowCount[r] >= n || columnCount[c] >= n) continue;
                    rowCount[r]++;
                    columnCount[c]++;
                    mask[(r0 + r) * columns + c0 + c] = 1;
                }
            }
        }
        return tensor(mask).reshape(weight.shape).to(weight.dtype).to(weight.device);
    }

    /// <summary>How many weights survive both masks: what the permutation search maximizes.</summary>
    public static long Surviving(Tensor forwardMask, Tensor backwardMask)
    {
        using var noGrad = no_grad();
        using var both = forwardMask * backwardMask;
        return both.sum().item<float>() is var s ? (long)Math.Round(s) : 0;
    }
}
