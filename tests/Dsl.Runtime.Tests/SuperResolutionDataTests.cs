using System.Text.Json;
using Dsl.Runtime.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>
/// The super-resolution data path: bicubic reduction against PIL's, PSNR and SSIM against
/// scikit-image's (Fixtures/make_sr_fixtures.py made both), and the patch pairs.
/// </summary>
public class SuperResolutionDataTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 0.5625)]
    [InlineData(1.0, 0.0)]
    [InlineData(1.5, -0.0625)]
    [InlineData(-1.5, -0.0625)]
    [InlineData(2.0, 0.0)]
    [InlineData(2.5, 0.0)]
    public void The_cubic_kernel_is_keys_with_a_minus_one_half(double x, double expected) =>
        Assert.Equal(expected, Bicubic.Cubic(x), 12);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Bicubic_reduction_matches_pil_away_from_the_borders(int scale)
    {
        using var hr = ImageFiles.Decode(Fixture("sr_hr.png"));
        using var ours = Bicubic.Downscale(hr, scale);
        var (h, w) = (hr.shape[1] / scale, hr.shape[2] / scale);
        var bytes = File.ReadAllBytes(Fixture($"bicubic_x{scale}.bin"));
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        using var pil = tensor(values, new long[] { 3, h, w });
        // PIL clips the kernel at the borders where MATLAB mirrors: the kernel reaches 2 output pixels in.
        const int margin = 3;
        using var inner = ours.narrow(1, margin, h - 2 * margin).narrow(2, margin, w - 2 * margin);
        using var pilInner = pil.narrow(1, margin, h - 2 * margin).narrow(2, margin, w - 2 * margin);
        Assert.True((inner - pilInner).abs().max().item<float>() < 1e-5f);
        // The borders differ, which is what makes the comparison above a real one.
        Assert.True((ours - pil).abs().max().item<float>() > 1e-3f);
    }

    [Fact]
    public void Bicubic_mirrors_the_image_at_its_borders()
    {
        // Resizing an image equals resizing it extended by its mirror image (edge pixel repeated) and cutting the extension off.
        manual_seed(1);
        using var x = rand(1, 8, 12, dtype: ScalarType.Float64);
        const int pad = 8;
        using var left = x.narrow(2, 0, pad).flip(2);
        using var right = x.narrow(2, 12 - pad, pad).flip(2);
        using var wide = cat(new[] { left, x, right }, 2);
        using var top = wide.narrow(1, 0, pad).flip(1);
        using var bottom = wide.narrow(1, 8 - pad, pad).flip(1);
        using var extended = cat(new[] { top, wide, bottom }, 1);
        using var direct = Bicubic.Downscale(x, 2);
        using var viaExtension = Bicubic.Downscale(extended, 2).narrow(1, pad / 2, 4).narrow(2, pad / 2, 6);
        Assert.True(direct.allclose(viaExtension, rtol: 0, atol: 1e-12));
    }

    [Fact]
    public void Bicubic_keeps_constants_and_reproduces_a_linear_ramp_when_enlarging()
    {
        using var constant = full(3, 9, 6, 0.25);
        using var shrunk = Bicubic.Resize(constant, 3, 2);
        Assert.True(shrunk.allclose(full(3, 3, 2, 0.25), rtol: 0, atol: 1e-6));
        // Keys' kernel reproduces straight lines: away from the borders, ×2 samples the ramp at the new centres.
        using var ramp = arange(10, ScalarType.Float64).reshape(1, 10).expand(4, 10).contiguous();
        using var enlarged = Bicubic.Resize(ramp, 4, 20);
        for (var i = 4; i < 16; i++)
            Assert.Equal((i + 0.5) / 2 - 0.5, enlarged[1, i].item<double>(), 10);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void Psnr_and_ssim_on_luma_match_scikit_image(int border)
    {
        using var hr = ImageFiles.Decode(Fixture("sr_hr.png"));
        using var sr = ImageFiles.Decode(Fixture("sr_out.png"));
        using var json = JsonDocument.Parse(File.ReadAllText(Fixture("sr_quality.json")));
        var expected = json.RootElement.GetProperty(border.ToString());
        Assert.Equal(expected.GetProperty("psnr").GetDouble(), ImageQuality.Psnr(sr, hr, border), 6);
        Assert.Equal(expected.GetProperty("ssim").GetDouble(), ImageQuality.Ssim(sr, hr, border), 6);
    }

    [Fact]
    public void Identical_images_have_infinite_psnr_and_ssim_one()
    {
        using var hr = ImageFiles.Decode(Fixture("sr_hr.png"));
        Assert.Equal(double.PositiveInfinity, ImageQuality.Psnr(hr, hr, 2));
        Assert.Equal(1.0, ImageQuality.Ssim(hr, hr, 2), 12);
    }

    [Fact]
    public void Luma_is_bt601_on_the_8_bit_scale()
    {
        using var pixels = tensor(new[] { 1.0f, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1 }, new long[] { 4, 3 }).t().reshape(3, 1, 4).contiguous();
        using var y = ImageQuality.Luma(pixels, 0);
        Assert.Equal(new[] { 16 + 65.481, 16 + 128.553, 16 + 24.966, 235.0 }, y.data<double>().ToArray().Select(v => Math.Round(v, 3)));
    }

    [Fact]
    public void Pairs_are_cropped_to_the_scale_and_reduced_by_bicubic_at_8_bits()
    {
        var folder = Directory.CreateTempSubdirectory("cmodel-sr-").FullName;
        manual_seed(2);
        using var photo = rand(3, 25, 31);
        ImageFiles.SavePng(photo, Path.Combine(folder, "a.png"));
        using var data = SuperResolutionData.Load(SuperResolutionData.ImagesIn(folder), scale: 3);
        var pair = Assert.Single(data.Pairs);
        Assert.Equal(new long[] { 3, 24, 30 }, pair.HighResolution.shape);
        Assert.Equal(new long[] { 3, 8, 10 }, pair.LowResolution.shape);
        using var expected = SuperResolutionData.Quantize8(Bicubic.Downscale(pair.HighResolution, 3));
        Assert.True(pair.LowResolution.allclose(expected, rtol: 0, atol: 1e-6));
        using var levels = pair.LowResolution * 255;
        Assert.True(levels.allclose(levels.round(), rtol: 0, atol: 1e-3));
    }

    [Fact]
    public void A_large_photograph_is_first_shrunk_by_a_whole_factor_to_fit()
    {
        var folder = Directory.CreateTempSubdirectory("cmodel-sr-").FullName;
        using var photo = full(3, 40, 100, 0.5);
        ImageFiles.SavePng(photo, Path.Combine(folder, "wide.png"));
        using var data = SuperResolutionData.Load(SuperResolutionData.ImagesIn(folder), scale: 2, maxSide: 40);
        // ⌈100 / 40⌉ = 3: 40×100 → 39×99 → 13×33 → cropped to 12×32 for ×2.
        Assert.Equal(new long[] { 3, 12, 32 }, data.Pairs[0].HighResolution.shape);
    }

    [Fact]
    public void Patch_pairs_come_from_the_same_place_and_turn_alike()
    {
        var folder = Directory.CreateTempSubdirectory("cmodel-sr-").FullName;
        // A smooth photograph: averaging each 2×2 block of a high-resolution patch nearly gives its low-resolution patch.
        using var yy = linspace(0, 6, 64).reshape(64, 1);
        using var xx = linspace(0, 9, 80).reshape(1, 80);
        using var photo = stack(new[] { (yy.sin() * xx.cos() + 1) / 2, (yy + xx) / 15, ((yy * 0.7).cos() * 0.5 + 0.5).expand(64, 80) });
        ImageFiles.SavePng(photo, Path.Combine(folder, "smooth.png"));
        using var data = SuperResolutionData.Load(SuperResolutionData.ImagesIn(folder), scale: 2);
        var (low, high) = data.RandomPatches(16, 6, new Generator(3));
        Assert.Equal(new long[] { 16, 3, 6, 6 }, low.shape);
        Assert.Equal(new long[] { 16, 3, 12, 12 }, high.shape);
        using var pooled = nn.functional.avg_pool2d(high, 2);
        Assert.True((pooled - low).abs().mean().item<float>() < 0.01f);
        // A pair turned differently, or shifted by one low-resolution pixel, does not agree so well.
        using var turned = pooled.rot90(1, (2, 3));
        Assert.True((turned - low).abs().mean().item<float>() > 0.02f);
        low.Dispose();
        high.Dispose();
    }

    [Fact]
    public void The_eight_symmetries_are_distinct()
    {
        using var image = arange(4, ScalarType.Float32).reshape(1, 2, 2);
        var seen = Enumerable.Range(0, 8).Select(k => string.Join(",", SuperResolutionData.Symmetry(image, k).data<float>().ToArray())).ToHashSet();
        Assert.Equal(8, seen.Count);
    }

    [Fact]
    public void A_corrupt_photograph_or_an_empty_folder_is_a_clear_error()
    {
        var folder = Directory.CreateTempSubdirectory("cmodel-sr-").FullName;
        Assert.Throws<DataFormatException>(() => SuperResolutionData.ImagesIn(folder));
        var bad = Path.Combine(folder, "broken.png");
        File.WriteAllBytes(bad, new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 });
        var error = Assert.Throws<DataFormatException>(() => SuperResolutionData.Load(SuperResolutionData.ImagesIn(folder), 2));
        Assert.Contains("broken.png", error.Message);
        Assert.Equal(7, new FileInfo(bad).Length);
    }
}
