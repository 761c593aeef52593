using System;
using System.Linq;
using static TorchSharp.torch;

namespace Dsl.Runtime.Data;

/// <summary>
/// PSNR and SSIM as the super-resolution papers report them (EDSR's and BasicSR's evaluation):
/// on the luma channel Y of ITU-R BT.601 (16–235 for 8-bit RGB), with <c>border</c> pixels
/// (the scale) cut from every side, after rounding the output to 8 bits as a saved image is.
/// SSIM uses the 11×11 Gaussian window of σ = 1.5, K₁ = 0.01, K₂ = 0.03, averaged over the
/// positions where the window fits inside the image.
/// </summary>
public static class ImageQuality
{
    /// <summary>Peak signal-to-noise ratio in dB between two RGB images [3, H, W] in [0, 1], on Y; infinity when they agree.</summary>
    public static double Psnr(Tensor image, Tensor reference, int border)
    {
        using var y = Luma(image, border);
        using var r = Luma(reference, border);
        using var difference = y - r;
        var mse = difference.square().mean().item<double>();
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>PSNR in dB over R, G and B of two images [3, H, W] in [0, 1] after rounding to 8 bits, as the demoiréing papers report it; infinity when they agree.</summary>
    public static double PsnrRgb(Tensor image, Tensor reference)
    {
        if (!image.shape.SequenceEqual(reference.shape)) throw new ArgumentException($"the images differ in size: [{string.Join(", ", image.shape)}] and [{string.Join(", ", reference.shape)}]");
        using var a = SuperResolutionData.Quantize8(image.to_type(ScalarType.Float64));
        using var b = SuperResolutionData.Quantize8(reference.to_type(ScalarType.Float64));
        var mse = (a - b).square().mean().item<double>();
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(1 / mse);
    }

    /// <summary>Structural similarity between two RGB images [3, H, W] in [0, 1], on Y.</summary>
    public static double Ssim(Tensor image, Tensor reference, int border)
    {
        using var y = Luma(image, border);
        using var r = Luma(reference, border);
        if (y.shape[0] < Window || y.shape[1] < Window)
            throw new ArgumentException($"SSIM needs at least {Window}×{Window} pixels after the border; the images have {y.shape[0]}×{y.shape[1]}");
        using var x = y.unsqueeze(0).unsqueeze(0);
        using var z = r.unsqueeze(0).unsqueeze(0);
        using var muX = Blur(x);
        using var muZ = Blur(z);
        using var xx = Blur(x * x);
        using var zz = Blur(z * z);
        using var xz = Blur(x * z);
        var (c1, c2) = (Math.Pow(0.01 * 255, 2), Math.Pow(0.03 * 255, 2));
        using var varX = xx - muX * muX;
        using var varZ = zz - muZ * muZ;
        using var cov = xz - muX * muZ;
        using var map = (2 * muX * muZ + c1) * (2 * cov + c2) / ((muX * muX + muZ * muZ + c1) * (varX + varZ + c2));
        return map.mean().item<double>();
    }

    /// <summary>
    /// Y of BT.601 on the 8-bit scale, 16 + 65.481·R + 128.553·G + 24.966·B with R, G, B the
    /// image's values rounded to 8 bits, in double precision, the border cut away: [H − 2b, W − 2b].
    /// </summary>
    public static Tensor Luma(Tensor image, int border)
    {
        if (image.dim() != 3 || image.shape[0] != 3) throw new ArgumentException($"expected an RGB image [3, H, W] but got [{string.Join(", ", image.shape)}]", nameof(image));
        var (h, w) = (image.shape[1] - 2 * border, image.shape[2] - 2 * border);
        if (border < 0 || h < 1 || w < 1) throw new ArgumentException($"a border of {border} leaves nothing of a {image.shape[1]}×{image.shape[2]} image", nameof(border));
        using var rgb = SuperResolutionData.Quantize8(image.to_type(ScalarType.Float64));
        using var coefficients = tensor(new[] { 65.481, 128.553, 24.966 }, ScalarType.Float64, image.device).reshape(3, 1, 1);
        using var weighted = (rgb * coefficients).sum(new long[] { 0 });
        using var y = weighted.add_(16);
        return y.narrow(0, border, h).narrow(1, border, w).contiguous();
    }

    private const int Window = 11;

    /// <summary>The Gaussian window's weighted mean at every position it fits ('valid'): [1, 1, H − 10, W − 10].</summary>
    private static Tensor Blur(Tensor x)
    {
        using var offsets = arange(Window, ScalarType.Float64, x.device) - Window / 2;
        using var g = (-(offsets * offsets) / (2 * 1.5 * 1.5)).exp();
        using var g1 = g / g.sum();
        using var rows = g1.reshape(1, 1, Window, 1);
        using var columns = g1.reshape(1, 1, 1, Window);
        using var tall = nn.functional.conv2d(x, rows);
        return nn.functional.conv2d(tall, columns);
    }
}
