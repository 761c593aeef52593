using System;
using static TorchSharp.torch;

namespace Dsl.Runtime.Dynamic;

/// <summary>
/// DDA's moiré prior, the complexity of a patch: colourfulness × frequency. Colourfulness is
/// Hasler and Süsstrunk's, with rg = R − G and yb = (R + G)/2 − B over the patch's pixels,
/// √(σ_rg² + σ_yb²) + <c>colourWeight</c>·√(μ_rg² + μ_yb²) (σ the population deviation);
/// frequency is the mean magnitude of the patch after the Gaussian high-pass
/// H = 1 − exp(−D²/(2·D₀²)) in the centred spectrum, D the distance from its centre in
/// frequency samples, each colour channel filtered on its own (moiré's bands are often of equal
/// brightness and differ only in colour, which a grey image would not see). Pixels are in [0, 1], so scores are those of 0–255 pixels
/// divided by 255²: rankings, which is all routing uses, are the same.
/// </summary>
public static class MoirePrior
{
    public const double DefaultCutoff = 5;
    public const double DefaultColourWeight = 0.3;

    /// <summary>The score of each patch of <paramref name="patches"/> [P, 3, h, w]: [P].</summary>
    public static Tensor Scores(Tensor patches, double cutoff = DefaultCutoff, double colourWeight = DefaultColourWeight)
    {
        using var scope = NewDisposeScope();
        return (Colourfulness(patches, colourWeight) * Frequency(patches, cutoff)).MoveToOuterDisposeScope();
    }

    /// <summary>Hasler–Süsstrunk colourfulness of each patch [P, 3, h, w]: [P].</summary>
    public static Tensor Colourfulness(Tensor patches, double colourWeight = DefaultColourWeight)
    {
        RequirePatches(patches);
        using var scope = NewDisposeScope();
        var (r, g, b) = (patches[.., 0].flatten(1), patches[.., 1].flatten(1), patches[.., 2].flatten(1));
        var rg = r - g;
        var yb = (r + g) / 2 - b;
        var spread = (rg.var(1, unbiased: false) + yb.var(1, unbiased: false)).sqrt();
        var mean = (rg.mean(new long[] { 1 }).square() + yb.mean(new long[] { 1 }).square()).sqrt();
        return (spread + colourWeight * mean).MoveToOuterDisposeScope();
    }

    /// <summary>The mean magnitude of each patch [P, 3, h, w] Gaussian-high-pass-filtered, over its channels and pixels: [P].</summary>
    public static Tensor Frequency(Tensor patches, double cutoff = DefaultCutoff)
    {
        RequirePatches(patches);
        if (cutoff <= 0) throw new ArgumentOutOfRangeException(nameof(cutoff), cutoff, "the high-pass cutoff D₀ is positive");
        using var scope = NewDisposeScope();
        var spectrum = fft.fftshift(fft.fft2(patches), new long[] { -2, -1 });
        var filtered = fft.ifft2(fft.ifftshift(spectrum * HighPass(patches.shape[2], patches.shape[3], cutoff, patches.device), new long[] { -2, -1 }));
        return filtered.abs().flatten(1).mean(new long[] { 1 }).MoveToOuterDisposeScope();
    }

    /// <summary>H = 1 − exp(−D²/(2·D₀²)) over an h × w centred spectrum (zero frequency at [h/2, w/2], as fftshift puts it).</summary>
    public static Tensor HighPass(long height, long width, double cutoff, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var v = arange(height, ScalarType.Float32, device) - height / 2;
        var u = arange(width, ScalarType.Float32, device) - width / 2;
        var squared = v.square().unsqueeze(1) + u.square().unsqueeze(0);
        return (1 - (-squared / (2 * cutoff * cutoff)).exp()).MoveToOuterDisposeScope();
    }

    private static void RequirePatches(Tensor patches)
    {
        if (patches.dim() != 4 || patches.shape[1] != 3)
            throw new ArgumentException($"the moiré prior scores RGB patches [P, 3, h, w], not [{string.Join(", ", patches.shape)}]");
    }
}
