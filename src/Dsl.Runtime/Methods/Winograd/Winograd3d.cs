using System;
using static TorchSharp.torch;

namespace Dsl.Runtime.Winograd;

/// <summary>
/// A stride-1, 3×3×3 convolution computed in the Winograd domain, F(m, 3) in each of the three
/// dimensions: the input cut into overlapping α³ tiles (stride m) and transformed,
/// V = (Bᵀ⊗Bᵀ⊗Bᵀ)·d; per Winograd position ξ one product M_ξ = U_ξ·V_ξ ([C_out, C_in] ×
/// [C_in, tiles]), only over the positions kept; the output Y = (Aᵀ⊗Aᵀ⊗Aᵀ)·M. A size that m does
/// not divide is padded with zeros and the extra outputs cut off.
/// </summary>
public static class Winograd3d
{
    /// <summary>The transformed weight U = (G⊗G⊗G)·g of a spatial weight g [C_out, C_in, 3, 3, 3], as [α³, C_out, C_in].</summary>
    public static Tensor TransformWeight(Tensor weight, WinogradTransforms t)
    {
        CheckKernel(weight);
        using var g = t.Matrix(t.Filter, weight.dtype, weight.device);
        using var u = einsum("ai,bj,ck,oqijk->abcoq", g, g, g, weight);
        return u.reshape(t.Alpha * t.Alpha * t.Alpha, weight.shape[0], weight.shape[1]);
    }

    /// <summary>
    /// The spatial weight nearest to a Winograd-domain weight U [α³, C_out, C_in] (least squares,
    /// (G⁺⊗G⁺⊗G⁺)·U), and how far U is from any spatial weight: ‖U − (G⊗G⊗G)·g‖ / ‖U‖, 0 (to
    /// rounding) when U came from one.
    /// </summary>
    public static (Tensor Weight, double Error) ToSpatial(Tensor u, WinogradTransforms t)
    {
        var alpha = t.Alpha;
        using var g = t.Matrix(t.Filter, ScalarType.Float64, u.device);
        using var pinv = linalg.pinv(g);
        using var cube = u.to_type(ScalarType.Float64).reshape(alpha, alpha, alpha, u.shape[1], u.shape[2]);
        using var spatial = einsum("ia,jb,kc,abcoq->oqijk", pinv, pinv, pinv, cube);
        using var back = einsum("ai,bj,ck,oqijk->abcoq", g, g, g, spatial);
        var error = ((back - cube).norm() / cube.norm().clamp_min(1e-30)).item<double>();
        return (spatial.to_type(u.dtype), error);
    }

    /// <summary>
    /// conv3d(x, g, stride 1, <paramref name="padding"/>) with g given in the Winograd domain as
    /// <paramref name="u"/> [α³, C_out, C_in]; <paramref name="kept"/> (the positions computed, ascending;
    /// null: all) leaves the others' products out, as if their weights were zero.
    /// </summary>
    public static Tensor Convolve(Tensor x, Tensor u, Tensor? bias, WinogradTransforms t, long padding, Tensor? kept = null)
    {
        if (x.dim() != 5) throw new ArgumentException($"a 3D convolution takes [N, C, D, H, W], not [{string.Join(", ", x.shape)}]", nameof(x));
        var (m, alpha) = (t.Tile, t.Alpha);
        var (n, channels) = (x.shape[0], x.shape[1]);
        var outputs = new long[3];
        var tiles = new long[3];
        var pad = new long[6];
        for (var d = 0; d < 3; d++)
        {
            outputs[d] = x.shape[2 + d] + 2 * padding - 2;
            if (outputs[d] < 1) throw new ArgumentException($"a 3×3×3 convolution with padding {padding} has no output for [{string.Join(", ", x.shape)}]", nameof(x));
            tiles[d] = (outputs[d] + m - 1) / m;
            // F.pad lists the last dimension first: (W left, W right, H left, H right, D left, D right).
            var needed = tiles[d] * m + 2;
            pad[2 * (2 - d)] = padding;
            pad[2 * (2 - d) + 1] = needed - x.shape[2 + d] - padding;
        }
        using var bt = t.Matrix(t.InputT, x.dtype, x.device);
        using var at = t.Matrix(t.OutputT, x.dtype, x.device);
        using var padded = nn.functional.pad(x, pad);
        using var patches = padded.unfold(2, alpha, m).unfold(3, alpha, m).unfold(4, alpha, m);
        using var transformed = einsum("ai,bj,ck,nqtuvijk->abcqntuv", bt, bt, bt, patches);
        var count = tiles[0] * tiles[1] * tiles[2];
        using var v = transformed.reshape(alpha * alpha * alpha, channels, n * count);
        Tensor products;
        if (kept is null) products = u.bmm(v);
        else
        {
            using var keptU = u.index_select(0, kept);
            using var keptV = v.index_select(0, kept);
            using var keptM = keptU.bmm(keptV);
            using var empty = zeros(new[] { alpha * alpha * alpha, u.shape[1], n * count }, x.dtype, x.device);
            products = empty.index_copy(0, kept, keptM);
        }
        using (products)
        {
            using var cube = products.reshape(alpha, alpha, alpha, u.shape[1], n, tiles[0], tiles[1], tiles[2]);
            using var y = einsum("xa,yb,zc,abconstu->nosxtyuz", at, at, at, cube);
            using var joined = y.reshape(n, u.shape[1], tiles[0] * m, tiles[1] * m, tiles[2] * m);
            var cropped = joined.narrow(2, 0, outputs[0]).narrow(3, 0, outputs[1]).narrow(4, 0, outputs[2]);
            return bias is null ? cropped.contiguous() : cropped + bias.reshape(1, -1, 1, 1, 1);
        }
    }

    private static void CheckKernel(Tensor weight)
    {
        if (weight.dim() != 5 || weight.shape[2] != 3 || weight.shape[3] != 3 || weight.shape[4] != 3)
            throw new ArgumentException($"Winograd F(m, 3) takes a 3×3×3 kernel [C_out, C_in, 3, 3, 3], not [{string.Join(", ", weight.shape)}]", nameof(weight));
    }
}
