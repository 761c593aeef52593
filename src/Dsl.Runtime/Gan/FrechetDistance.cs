using System;
using static TorchSharp.torch;

namespace Dsl.Runtime.Gan;

/// <summary>
/// The Fréchet distance between two Gaussians fitted to feature vectors (FID when the features
/// are Inception's): ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2·tr (Σ₁Σ₂)^½. The trace of the square root is
/// taken as tr (Σ₁^½ Σ₂ Σ₁^½)^½, a symmetric positive semi-definite matrix with the same
/// eigenvalues as Σ₁Σ₂, so both roots come from symmetric eigendecompositions in float64.
/// </summary>
public static class FrechetDistance
{
    /// <summary>Mean [D] and covariance [D, D] (normalised by n − 1, as numpy's cov) of features [n, D], in float64.</summary>
    public static (Tensor Mean, Tensor Covariance) Statistics(Tensor features)
    {
        if (features.dim() != 2 || features.shape[0] < 2)
            throw new ArgumentException($"statistics need features [n ≥ 2, D], not [{string.Join(", ", features.shape)}]", nameof(features));
        using var scope = NewDisposeScope();
        var x = features.to_type(ScalarType.Float64);
        var mean = x.mean(new long[] { 0 });
        var centred = x - mean;
        var covariance = matmul(centred.t(), centred).div_(x.shape[0] - 1);
        return (mean.MoveToOuterDisposeScope(), covariance.MoveToOuterDisposeScope());
    }

    public static double Between(Tensor mean1, Tensor covariance1, Tensor mean2, Tensor covariance2)
    {
        using var scope = NewDisposeScope();
        var (m1, s1, m2, s2) = (mean1.to_type(ScalarType.Float64), covariance1.to_type(ScalarType.Float64), mean2.to_type(ScalarType.Float64), covariance2.to_type(ScalarType.Float64));
        var root1 = SquareRoot(s1);
        var product = matmul(matmul(root1, s2), root1);
        var traceOfRoot = linalg.eigvalsh((product + product.t()) / 2).clamp_min(0).sqrt().sum().item<double>();
        var difference = (m1 - m2).square().sum().item<double>();
        return difference + s1.trace().item<double>() + s2.trace().item<double>() - 2 * traceOfRoot;
    }

    /// <summary>The distance between the statistics of two sets of features [n, D].</summary>
    public static double Between(Tensor features1, Tensor features2)
    {
        var (m1, s1) = Statistics(features1);
        var (m2, s2) = Statistics(features2);
        using (m1) using (s1) using (m2) using (s2) return Between(m1, s1, m2, s2);
    }

    /// <summary>The symmetric square root of a symmetric positive semi-definite matrix (negative eigenvalues from rounding read as 0).</summary>
    private static Tensor SquareRoot(Tensor symmetric)
    {
        var (values, vectors) = linalg.eigh((symmetric + symmetric.t()) / 2);
        return matmul(vectors * values.clamp_min(0).sqrt().unsqueeze(0), vectors.t());
    }
}
