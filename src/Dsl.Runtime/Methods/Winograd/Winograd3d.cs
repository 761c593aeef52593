using System;
using static TorchSharp.torch;

namespace Dsl.Runtime.Winograd;

/// <summary>
/// A stride-1, 3×3×3 convolution computed in the Winograd domain, F(m, 3) in each of the three
/// dimensions: the input cut into overlapping α³ tiles (stride m) and transformed,
/// V = (Bᵀ⊗Bᵀ⊗Bᵀ)·d; per Winograd position ξ one product M_ξ = U_ξ·V_ξ ([C_out, C_in] ×
/// [C_in, tiles]), only over the positions kept; the output Y = (Aᵀ⊗Aᵀ⊗Aᵀ)·M. Each transform is
/// one matrix product with the Kronecker matrix's rows (columns) of the kept positions, so the
/// transforms shrink with the positions too. A size that m does not divide is padded with zeros
/// and the extra outputs cut off.
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
        // The three 1-D transforms as one matrix each (Kronecker products), restricted to the
        // positions kept: every stage after cutting the tiles shrinks with them.
        using var inputT = Kronecker(t.Matrix(t.InputT, x.dtype, x.device));
        using var outputT = Kronecker(t.Matrix(t.OutputT, x.dtype, x.device));
        using var keptInputT = kept is null ? inputT.alias() : inputT.index_select(0, kept);
        using var keptOutputT = kept is null ? outputT.alias() : outputT.index_select(1, kept);
        using var keptU = kept is null ? u.alias() : u.index_select(0, kept);
        var positions = keptU.shape[0];
        var count = tiles[0] * tiles[1] * tiles[2];
        using var padded = nn.functional.pad(x, pad);
        using var patches = padded.unfold(2, alpha, m).unfold(3, alpha, m).unfold(4, alpha, m).reshape(n, channels, count, alpha * alpha * alpha);
        using var transformed = patches.matmul(keptInputT.t());
        using var v = transformed.permute(3, 1, 0, 2).reshape(positions, channels, n * count);
        using var products = keptU.bmm(v);
        using var y = keptOutputT.matmul(products.reshape(positions, -1));
        using var cube = y.reshape(m, m, m, u.shape[1], n, tiles[0], tiles[1], tiles[2]);
        using var joined = cube.permute(4, 3, 5, 0, 6, 1, 7, 2).reshape(n, u.shape[1], tiles[0] * m, tiles[1] * m, tiles[2] * m);
        var cropped = joined.narrow(2, 0, outputs[0]).narrow(3, 0, outputs[1]).narrow(4, 0, outputs[2]);
        return bias is null ? cropped.contiguous() : cropped + bias.reshape(1, -1, 1, 1, 1);
    }

    /// <summary>M ⊗ M ⊗ M for a 1-D transform M [r, c]: [r³, c³], rows and columns in (i, j, k) order.</summary>
    private static Tensor Kronecker(Tensor matrix)
    {
        using (matrix)
        {
            var (r, c) = (matrix.shape[0], matrix.shape[1]);
            using var cube = einsum("ai,bj,ck->abcijk", matrix, matrix, matrix);
            return cube.reshape(r * r * r, c * c * c);
        }
    }

    private static void CheckKernel(Tensor weight)
    {
        if (weight.dim() != 5 || weight.shape[2] != 3 || weight.shape[3] != 3 || weight.shape[4] != 3)
            throw new ArgumentException($"Winograd F(m, 3) takes a 3×3×3 kernel [C_out, C_in, 3, 3, 3], not [{string.Join(", ", weight.shape)}]", nameof(weight));
    }
}
