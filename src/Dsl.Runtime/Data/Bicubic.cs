using System;
using static TorchSharp.torch;

namespace Dsl.Runtime.Data;

/// <summary>
/// Bicubic resizing as MATLAB's <c>imresize</c> does it, which is how the super-resolution
/// benchmarks make their low-resolution inputs: Keys' cubic kernel (a = −0.5), pixel centres
/// aligned, the kernel stretched by 1/scale when shrinking (so it also filters out what the
/// smaller grid cannot hold), and the image mirrored at its borders. Separable: each axis is one
/// matrix of weights, so an image is resized by two matrix products.
/// </summary>
public static class Bicubic
{
    /// <summary>
    /// <paramref name="image"/> [..., H, W] resized to [..., <paramref name="height"/>, <paramref name="width"/>],
    /// computed in double precision and returned in the image's type.
    /// </summary>
    public static Tensor Resize(Tensor image, long height, long width)
    {
        if (image.dim() < 2) throw new ArgumentException($"expected an image [..., H, W] but got [{string.Join(", ", image.shape)}]", nameof(image));
        if (height < 1 || width < 1) throw new ArgumentException($"cannot resize to {height}×{width}");
        var (h, w) = (image.shape[^2], image.shape[^1]);
        using var rows = Weights(h, height).to(image.device);
        using var columns = Weights(w, width).to(image.device);
        using var x = image.to_type(ScalarType.Float64);
        using var tall = rows.matmul(x);
        using var resized = tall.matmul(columns.t());
        return resized.to_type(image.dtype);
    }

    /// <summary>Shrinks [..., H, W] by an integer <paramref name="factor"/>; H and W must divide by it (crop first, as <see cref="SuperResolutionData"/> does).</summary>
    public static Tensor Downscale(Tensor image, int factor)
    {
        var (h, w) = (image.shape[^2], image.shape[^1]);
        if (factor < 1 || h % factor != 0 || w % factor != 0)
            throw new ArgumentException($"a {h}×{w} image does not shrink by {factor}: crop it to a multiple of {factor} first");
        return Resize(image, h / factor, w / factor);
    }

    /// <summary>
    /// The [outputs, inputs] matrix that resamples one axis: output i (centre at input
    /// coordinate (i + ½)·inputs/outputs − ½) takes the kernel's weights of the inputs around it,
    /// normalised to sum to 1; an input index past either end is mirrored back (…, 1, 0 | 0, 1, …).
    /// </summary>
    public static Tensor Weights(long inputs, long outputs)
    {
        var scale = (double)outputs / inputs;
        // Shrinking stretches the kernel by 1/scale: a low-pass filter at the new sampling rate.
        var stretch = scale < 1 ? scale : 1.0;
        var support = 2.0 / stretch;
        var taps = (int)Math.Ceiling(2 * support) + 2;
        var matrix = new double[outputs * inputs];
        var weights = new double[taps];
        for (long i = 0; i < outputs; i++)
        {
            var centre = (i + 0.5) / scale - 0.5;
            var first = (long)Math.Floor(centre - support);
            double sum = 0;
            for (var t = 0; t < taps; t++)
            {
                weights[t] = stretch * Cubic(stretch * (centre - (first + t)));
                sum += weights[t];
            }
            for (var t = 0; t < taps; t++)
            {
                if (weights[t] == 0) continue;
                matrix[i * inputs + Mirror(first + t, inputs)] += weights[t] / sum;
            }
        }
        return tensor(matrix, new[] { outputs, inputs }, ScalarType.Float64);
    }

    /// <summary>Keys' cubic convolution kernel with a = −0.5 (MATLAB's and PIL's bicubic).</summary>
    public static double Cubic(double x)
    {
        var a = Math.Abs(x);
        if (a <= 1) return 1.5 * a * a * a - 2.5 * a * a + 1;
        if (a < 2) return -0.5 * a * a * a + 2.5 * a * a - 4 * a + 2;
        return 0;
    }

    /// <summary>An index reflected into [0, n): −1 → 0, −2 → 1, n → n − 1 (the edge pixel repeated, as MATLAB's symmetric padding).</summary>
    private static long Mirror(long index, long n)
    {
        var period = 2 * n;
        var k = ((index % period) + period) % period;
        return k < n ? k : period - 1 - k;
    }
}
