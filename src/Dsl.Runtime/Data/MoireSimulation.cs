using System;
using static TorchSharp.torch;

namespace Dsl.Runtime.Data;

/// <summary>
/// One screen capture's geometry and optics: rotation in degrees, scale (camera pixels per
/// screen pixel), the lens blur's σ in screen sub-pixels, the sensor noise's σ, and the fill
/// factor, the side of the part of each camera pixel that gathers light (1: all of it). With a
/// focus direction (degrees), the camera is tilted: the screen is in focus on that side of the
/// frame and out of focus (blur σ <see cref="MoireSimulation.Defocus"/>, no moiré left) on the
/// other, with a linear transition between.
/// </summary>
public sealed record ScreenCapture(double RotationDegrees, double Scale, double BlurSigma, double NoiseSigma, double FillFactor = 1, double? FocusDegrees = null);

/// <summary>
/// Moiré made as a phone makes it, photographing a screen. The photograph [3, H, W] in [0, 1] is
/// shown on an LCD whose every pixel is three vertical sub-pixel stripes, red, green and blue
/// (3× the resolution, each stripe lit with its channel at three times its value so that a pixel
/// averages to its colour); a camera of H × W pixels, turned by a small angle and at a scale near
/// one pixel per screen pixel, sees it through a slightly blurring lens (a Gaussian of σ
/// sub-pixels), each of its pixels integrating the light over the central square of side
/// fill factor (3 × 3 samples averaged); its Bayer filter (RGGB) keeps one colour per pixel, sensor noise is added, and
/// bilinear demosaicing fills the rest. A camera pixel a little smaller than a screen pixel, or
/// turned, does not cover whole stripe triads, and the remainder beats into the coloured bands
/// of real screen photos (at scale 1, no rotation and fill factor 1 it covers exactly one triad
/// and sees no moiré; a smaller fill factor averages less and leaves stronger bands).
/// A tilted camera (<see cref="ScreenCapture.FocusDegrees"/>) leaves the bands on one side of
/// the frame only, so moiré covers the image unevenly, as in screen photos. The clean target is the photograph seen by the same camera without the stripes, so
/// the pair is aligned pixel for pixel.
/// </summary>
public static class MoireSimulation
{
    /// <summary>The blur σ, in sub-pixels, of the screen where a tilted camera has it out of focus.</summary>
    public const double Defocus = 2.5;

    /// <summary>A capture drawn at random: rotation in ±4°, scale 0.86–0.94 (inside the screen whatever the angle), blur σ 0.4–0.8 sub-pixels, noise σ 0.01, fill factor 0.4–0.8, in focus towards a random direction.</summary>
    public static ScreenCapture Draw(Generator generator)
    {
        using var u = rand(5, generator: generator, dtype: ScalarType.Float64);
        var d = u.data<double>().ToArray();
        return new ScreenCapture(-4 + 8 * d[0], 0.86 + 0.08 * d[1], 0.4 + 0.4 * d[2], 0.01, 0.4 + 0.4 * d[3], 360 * d[4]);
    }

    /// <summary>The moiré capture and its clean target, both [3, H, W] in [0, 1].</summary>
    public static (Tensor Moire, Tensor Clean) Capture(Tensor photo, ScreenCapture capture, Generator? noise = null)
    {
        if (photo.dim() != 3 || photo.shape[0] != 3)
            throw new ArgumentException($"a photograph to capture is RGB [3, H, W], not [{string.Join(", ", photo.shape)}]", nameof(photo));
        using var scope = NewDisposeScope();
        var (height, width) = (photo.shape[1], photo.shape[2]);
        var image = photo.unsqueeze(0).to(ScalarType.Float32);
        var screen = Screen(image);
        var seen = Camera(Blur(screen, capture.BlurSigma), capture, height, width);
        if (capture.FocusDegrees is { } focus)
        {
            var sharp = FocusMask(focus, height, width);
            seen = sharp * seen + (1 - sharp) * Camera(Blur(screen, Defocus), capture, height, width);
        }
        var mosaic = (seen * BayerMask(height, width)).sum(1, keepdim: true);
        if (capture.NoiseSigma > 0) mosaic = mosaic + capture.NoiseSigma * randn(mosaic.shape, generator: noise);
        var moire = Demosaic(mosaic.clamp(0, 1)).clamp(0, 1);
        var clean = Camera(image, capture with { FillFactor = 1 }, height, width).clamp(0, 1);
        return (moire[0].MoveToOuterDisposeScope(), clean[0].MoveToOuterDisposeScope());
    }

    /// <summary>The LCD: each pixel as 3 × 3 sub-pixels, columns red, green, blue, each at 3× its channel: [1, 3, 3H, 3W].</summary>
    public static Tensor Screen(Tensor image)
    {
        using var scope = NewDisposeScope();
        var (height, width) = (image.shape[2], image.shape[3]);
        var big = image.repeat_interleave(3, 2).repeat_interleave(3, 3);
        var column = arange(3 * width, device: image.device).remainder(3);
        var stripes = stack(new[] { column.eq(0), column.eq(1), column.eq(2) }).to(image.dtype).reshape(1, 3, 1, 3 * width);
        return (3 * big * stripes).MoveToOuterDisposeScope();
    }

    /// <summary>Which colour each sensor pixel keeps, RGGB: [1, 3, H, W] of 0 and 1.</summary>
    public static Tensor BayerMask(long height, long width)
    {
        using var scope = NewDisposeScope();
        var row = arange(height).remainder(2).reshape(height, 1);
        var col = arange(width).remainder(2).reshape(1, width);
        var red = row.eq(0).logical_and(col.eq(0));
        var blue = row.eq(1).logical_and(col.eq(1));
        var green = red.logical_or(blue).logical_not();
        return stack(new[] { red, green, blue }).to(ScalarType.Float32).unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>Bilinear demosaicing of an RGGB mosaic [1, 1, H, W]: each colour's missing pixels the mean of its nearest samples.</summary>
    public static Tensor Demosaic(Tensor mosaic)
    {
        using var scope = NewDisposeScope();
        var (height, width) = (mosaic.shape[2], mosaic.shape[3]);
        var mask = BayerMask(height, width).to(mosaic.device);
        var planes = mosaic * mask;
        var greenKernel = tensor(new float[] { 0, 1, 0, 1, 4, 1, 0, 1, 0 }, device: mosaic.device).reshape(1, 1, 3, 3) / 4;
        var redBlueKernel = tensor(new float[] { 1, 2, 1, 2, 4, 2, 1, 2, 1 }, device: mosaic.device).reshape(1, 1, 3, 3) / 4;
        Tensor Fill(int channel, Tensor kernel) =>
            nn.functional.conv2d(nn.functional.pad(planes.narrow(1, channel, 1), new long[] { 1, 1, 1, 1 }, TorchSharp.PaddingModes.Reflect), kernel);
        return cat(new[] { Fill(0, redBlueKernel), Fill(1, greenKernel), Fill(2, redBlueKernel) }, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// What the camera's H × W pixels see of <paramref name="scene"/>: the light at 3 × 3 points
    /// spread over the central fill-factor square of each pixel, averaged. Each point's grid is the
    /// pixel centres' (grid_sample's normalised coordinates, the rotation and scale about the
    /// centre) moved by the point's offset through the same rotation and scale.
    /// </summary>
    private static Tensor Camera(Tensor scene, ScreenCapture capture, long height, long width)
    {
        using var scope = NewDisposeScope();
        var angle = capture.RotationDegrees * Math.PI / 180;
        var (c, s) = (capture.Scale * Math.Cos(angle), capture.Scale * Math.Sin(angle));
        // Normalised coordinates run over [-1, 1] on both axes; the aspect ratio keeps the rotation rigid.
        var aspect = (double)height / width;
        var (a, b, d, e) = (c, -s * aspect, s / aspect, c);
        Tensor sum = zeros(1);
        foreach (var i in new[] { -1, 0, 1 })
        foreach (var j in new[] { -1, 0, 1 })
        {
            // The point's offset from its pixel's centre in the camera's normalised coordinates (a pixel is 2/W wide, 2/H high).
            var (dx, dy) = (j * capture.FillFactor / 3 * 2 / width, i * capture.FillFactor / 3 * 2 / height);
            var theta = tensor(new float[] { (float)a, (float)b, (float)(a * dx + b * dy), (float)d, (float)e, (float)(d * dx + e * dy) }).reshape(1, 2, 3);
            var grid = nn.functional.affine_grid(theta, new long[] { 1, 3, height, width }, align_corners: false);
            sum = sum + nn.functional.grid_sample(scene, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false);
        }
        return (sum / 9).MoveToOuterDisposeScope();
    }

    /// <summary>How sharp the screen is at each camera pixel, [1, 1, H, W]: 1 towards <paramref name="degrees"/>, 0 opposite, 0.5 + 0.75·(distance along it) between, in normalised coordinates.</summary>
    public static Tensor FocusMask(double degrees, long height, long width)
    {
        using var scope = NewDisposeScope();
        var angle = degrees * Math.PI / 180;
        var y = (arange(height, dtype: ScalarType.Float32) + 0.5f) * 2 / height - 1;
        var x = (arange(width, dtype: ScalarType.Float32) + 0.5f) * 2 / width - 1;
        var along = x.reshape(1, width) * (float)Math.Cos(angle) + y.reshape(height, 1) * (float)Math.Sin(angle);
        return (0.5f + 0.75f * along).clamp(0, 1).reshape(1, 1, height, width).MoveToOuterDisposeScope();
    }

    private static Tensor Blur(Tensor image, double sigma)
    {
        if (sigma <= 0) return image;
        using var scope = NewDisposeScope();
        var radius = (long)Math.Ceiling(3 * sigma);
        var x = arange(-radius, radius + 1, dtype: ScalarType.Float32, device: image.device);
        var g = (-(x * x) / (2 * sigma * sigma)).exp();
        g = g / g.sum();
        var channels = image.shape[1];
        var horizontal = g.reshape(1, 1, 1, -1).expand(channels, 1, 1, -1);
        var vertical = g.reshape(1, 1, -1, 1).expand(channels, 1, -1, 1);
        var padded = nn.functional.pad(image, new[] { radius, radius, radius, radius }, TorchSharp.PaddingModes.Replicate);
        var blurred = nn.functional.conv2d(nn.functional.conv2d(padded, horizontal, groups: channels), vertical, groups: channels);
        return blurred.MoveToOuterDisposeScope();
    }
}
