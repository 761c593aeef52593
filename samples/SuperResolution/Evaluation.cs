using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Runtime.Data;
using Dsl.Runtime.Ptq;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>Scoring a setting on the test photographs, and the crops that show it.</summary>
static class Evaluation
{
    private const int Scale = 2;

    /// <summary>The test photograph the crops come from, and the crop's place and size in its high-resolution image.</summary>
    private const string CropPhotograph = "chelsea";
    private const int CropTop = 50, CropLeft = 150, CropSize = 120;

    /// <summary>Bicubic enlargement of the low-resolution images: the floor every network must beat.</summary>
    public static Row Bicubic(SuperResolutionData test) =>
        Score("bicubic", test, lr => Dsl.Runtime.Data.Bicubic.Resize(lr, lr.shape[1] * Scale, lr.shape[2] * Scale).clamp(0, 1), null);

    /// <summary>Calibrates <paramref name="model"/> when <paramref name="calibration"/> is given, then scores it.</summary>
    public static Row Run(string name, nn.Module<Tensor, Tensor> model, SuperResolutionData test, IReadOnlyList<Tensor>? calibration)
    {
        var report = calibration == null ? null : PostTraining.Calibrate(model, calibration);
        model.eval();
        return Score(name, test, lr => Upscale(model, lr), report);
    }

    /// <summary><paramref name="count"/> low-resolution training patches of <paramref name="patch"/> pixels, in batches of 16, the same for every setting.</summary>
    public static IReadOnlyList<Tensor> CalibrationPatches(SuperResolutionData train, int patch, int count)
    {
        using var generator = new Generator(1);
        var batches = new List<Tensor>();
        for (var done = 0; done < count; done += 16)
        {
            var (low, high) = train.RandomPatches(Math.Min(16, count - done), patch, generator);
            high.Dispose();
            batches.Add(low);
        }
        return batches;
    }

    public static Tensor Crop(nn.Module<Tensor, Tensor> model, SuperResolutionData test)
    {
        model.eval();
        using var sr = Upscale(model, Photograph(test).LowResolution);
        return Cut(sr);
    }

    public static Tensor BicubicCrop(SuperResolutionData test)
    {
        var lr = Photograph(test).LowResolution;
        using var enlarged = Dsl.Runtime.Data.Bicubic.Resize(lr, lr.shape[1] * Scale, lr.shape[2] * Scale);
        return Cut(enlarged.clamp(0, 1));
    }

    public static Tensor OriginalCrop(SuperResolutionData test) => Cut(Photograph(test).HighResolution);

    /// <summary>The crops side by side with white gaps, each pixel shown as 2×2 so the differences are visible, as a PNG.</summary>
    public static void SaveStrip(IReadOnlyList<Tensor> crops, string path)
    {
        var gap = ones(3, CropSize, 4);
        var parts = crops.SelectMany((c, i) => i == 0 ? new[] { c } : new[] { gap, c }).ToArray();
        using var strip = cat(parts, 2);
        using var enlarged = strip.repeat_interleave(2, 1).repeat_interleave(2, 2);
        ImageFiles.SavePng(enlarged, path);
    }

    private static Tensor Upscale(nn.Module<Tensor, Tensor> model, Tensor lr)
    {
        using var noGrad = no_grad();
        using var output = model.forward(lr.unsqueeze(0));
        return output[0].clamp(0, 1);
    }

    private static Row Score(string name, SuperResolutionData test, Func<Tensor, Tensor> upscale, CalibrationReport? calibration)
    {
        var psnr = new List<double>();
        var ssim = new List<double>();
        foreach (var pair in test.Pairs)
        {
            using var sr = upscale(pair.LowResolution);
            psnr.Add(ImageQuality.Psnr(sr, pair.HighResolution, Scale));
            ssim.Add(ImageQuality.Ssim(sr, pair.HighResolution, Scale));
        }
        return new Row(name, psnr.Average(), ssim.Average(), psnr.ToArray(), calibration?.ObserveSeconds ?? 0, calibration?.SelectSeconds ?? 0);
    }

    private static SuperResolutionPair Photograph(SuperResolutionData test) =>
        test.Pairs.FirstOrDefault(p => Photographs.Name(p.Path) == CropPhotograph) ?? test.Pairs[0];

    private static Tensor Cut(Tensor image) => image.narrow(1, CropTop, CropSize).narrow(2, CropLeft, CropSize).contiguous();
}
