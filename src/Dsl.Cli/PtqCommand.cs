using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Dsl.Runtime.Data;
using Dsl.Runtime.Ptq;
using Dsl.Runtime.Weights;
using static TorchSharp.torch;

namespace Dsl.Cli;

/// <summary>
/// `cmodel ptq FILE --model NAME --weights W.pt --calibration DIR --out Q.pt`: quantizes a
/// trained model's @ptq layers after training. The calibration inputs are random patches of the
/// model's input size cut from the folder's photographs (shrunk by <c>--scale</c> first, for a
/// super-resolution model whose inputs are low-resolution images).
/// </summary>
internal static class PtqCommand
{
    public const string Usage = "cmodel ptq FILE [--model NAME] --weights W.pt|.safetensors --calibration DIR --out Q.pt|.safetensors [--scale N] [--test DIR] [--seed N] [--lib FILE]...";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = VerbArguments.Parse(args, new[] { "model", "weights", "calibration", "out", "scale", "test", "seed" }, Array.Empty<string>(), out var problem);
        if (parsed == null) return Fail(stderr, problem);
        foreach (var required in new[] { "weights", "calibration", "out" })
        {
            if (parsed[required] == null) return Fail(stderr, $"--{required} is required");
        }
        if (!TryInt(parsed["scale"], 1, 1, out var scale) || !TryInt(parsed["seed"], 0, 0, out var seed))
            return Fail(stderr, "--scale takes a whole number from 1 (no shrinking) and --seed one from 0");
        var type = ModelChoice.Resolve(parsed, stderr, out var choiceError);
        if (type == null) return choiceError.Length == 0 ? CommandLine.FileErrors : Fail(stderr, choiceError);
        if (!typeof(nn.Module<Tensor, Tensor>).IsAssignableFrom(type))
            return Fail(stderr, $"{type.Name} has several inputs or named outputs; calibrate it from C# with PostTraining.Calibrate");
        var input = InMemoryModels.Shape(type, "InputShape");
        if (input.Length != 4 || input[1] != 3)
            return Fail(stderr, $"the calibration photographs give RGB inputs [N, 3, H, W], but {type.Name} takes [{string.Join(", ", input.Select(d => d < 0 ? "N" : d.ToString(CultureInfo.InvariantCulture)))}]");

        using var model = InMemoryModels.Create(type);
        var layers = PostTraining.Layers(model);
        if (layers.Count == 0) return Fail(stderr, $"{type.Name} has no @ptq layers; annotate the layers to quantize, such as @ptq(w: 4, a: 4)");
        var weights = parsed["weights"]!;
        try
        {
            var report = PyTorchWeights.Load(model, weights, strict: false);
            // The full-precision file has the weights; the quantizers' buffers are what calibration fills.
            var missing = report.Missing.Where(k => !PostTraining.IsCalibrationState(k)).ToList();
            if (missing.Count > 0 || report.Mismatched.Count > 0)
                return Fail(stderr, $"{weights} does not fit {type.Name}:\n{report}");
            stdout.WriteLine($"loaded {report.Loaded.Count} tensors from {weights}");
        }
        catch (Exception e) when (e is IOException or DataFormatException)
        {
            return Fail(stderr, e.Message);
        }

        var samples = layers.Max(l => l.Options.Samples);
        var (height, width) = (input[2], input[3]);
        List<Tensor> batches;
        try
        {
            batches = CalibrationBatches(parsed["calibration"]!, scale, height, width, samples, seed);
        }
        catch (Exception e) when (e is IOException or DataFormatException or ArgumentException)
        {
            return Fail(stderr, e.Message);
        }
        SuperResolutionData? test = null;
        if (parsed["test"] is { } testFolder)
        {
            if (scale < 2) return Fail(stderr, "--test scores a super-resolution model on photographs shrunk by --scale, so it needs --scale 2 or more");
            try
            {
                test = SuperResolutionData.Load(SuperResolutionData.ImagesIn(testFolder), scale);
            }
            catch (Exception e) when (e is IOException or DataFormatException)
            {
                foreach (var b in batches) b.Dispose();
                return Fail(stderr, e.Message);
            }
        }
        // Until calibrated the @ptq layers compute in full precision: this is the trained model's score.
        (double Psnr, double Ssim) before = default;
        try
        {
            if (test is not null) before = Score(model, test);
        }
        catch (DataFormatException e)
        {
            foreach (var b in batches) b.Dispose();
            test?.Dispose();
            return Fail(stderr, e.Message);
        }
        stdout.WriteLine($"calibrating {layers.Count} @ptq layers of {type.Name} on {samples} patches {height}×{width} from {parsed["calibration"]}");
        var progress = new Progress(stdout);
        var result = PostTraining.Calibrate(model, batches, seed, progress);
        foreach (var b in batches) b.Dispose();
        var output = parsed["out"]!;
        PyTorchWeights.Save(model, output);
        stdout.WriteLine($"calibrated in {result.ObserveSeconds + result.SelectSeconds:0.0} s (inputs {result.ObserveSeconds:0.0} s, selection {result.SelectSeconds:0.0} s); quantized model saved to {output}");
        if (test is not null)
        {
            var after = Score(model, test);
            stdout.WriteLine($"on {test.Description} from {parsed["test"]}: full precision {before.Psnr:0.00} dB PSNR, SSIM {before.Ssim:0.0000}; quantized {after.Psnr:0.00} dB ({after.Psnr - before.Psnr:+0.00;-0.00}), SSIM {after.Ssim:0.0000}");
            test.Dispose();
        }
        return CommandLine.Ok;
    }

    /// <summary>Mean PSNR and SSIM (Y channel, the scale's border cut) of the model's enlargements of the test photographs.</summary>
    private static (double Psnr, double Ssim) Score(nn.Module<Tensor, Tensor> model, SuperResolutionData test)
    {
        model.eval();
        double psnr = 0, ssim = 0;
        foreach (var pair in test.Pairs)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var sr = model.forward(pair.LowResolution.unsqueeze(0))[0].clamp(0, 1);
            if (!sr.shape.SequenceEqual(pair.HighResolution.shape))
                throw new DataFormatException(pair.Path, $"the model turns its {pair.LowResolution.shape[1]}×{pair.LowResolution.shape[2]} low-resolution image into {sr.shape[1]}×{sr.shape[2]}, not the {pair.HighResolution.shape[1]}×{pair.HighResolution.shape[2]} original: is --scale the model's?");
            psnr += ImageQuality.Psnr(sr, pair.HighResolution, test.Scale);
            ssim += ImageQuality.Ssim(sr, pair.HighResolution, test.Scale);
        }
        return (psnr / test.Pairs.Count, ssim / test.Pairs.Count);
    }

    /// <summary>Random patches of the photographs (shrunk by <paramref name="scale"/> when above 1), in batches of 16.</summary>
    internal static List<Tensor> CalibrationBatches(string folder, int scale, long height, long width, long samples, int seed)
    {
        if (height != width) throw new ArgumentException($"calibration cuts square patches, and the model takes {height}×{width} inputs");
        var files = SuperResolutionData.ImagesIn(folder);
        using var generator = new Generator((ulong)seed);
        var patches = new List<Tensor>();
        if (scale > 1)
        {
            using var data = SuperResolutionData.Load(files, scale);
            for (long done = 0; done < samples; done += 16)
                patches.Add(data.RandomPatches((int)Math.Min(16, samples - done), (int)height, generator).Low);
            return patches;
        }
        var images = files.Select(ImageFiles.Decode).ToList();
        try
        {
            foreach (var (image, path) in images.Zip(files))
            {
                if (image.shape[1] < height || image.shape[2] < width)
                    throw new DataFormatException(path, $"is {image.shape[1]}×{image.shape[2]}, smaller than the model's {height}×{width} input");
            }
            for (long done = 0; done < samples; done += 16)
            {
                var count = (int)Math.Min(16, samples - done);
                var crops = new Tensor[count];
                for (var i = 0; i < count; i++)
                {
                    var image = images[(int)randint(0, images.Count, new long[] { 1 }, generator: generator).item<long>()];
                    var y = randint(0, image.shape[1] - height + 1, new long[] { 1 }, generator: generator).item<long>();
                    var x = randint(0, image.shape[2] - width + 1, new long[] { 1 }, generator: generator).item<long>();
                    crops[i] = image.narrow(1, y, height).narrow(2, x, width);
                }
                patches.Add(stack(crops));
            }
            return patches;
        }
        finally
        {
            foreach (var image in images) image.Dispose();
        }
    }

    private static bool TryInt(string? text, int fallback, int min, out int value)
    {
        value = fallback;
        return text == null || int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min;
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine($"cmodel ptq: {message}");
        stderr.WriteLine($"usage: {Usage}");
        return CommandLine.Usage;
    }

    private sealed class Progress(TextWriter stdout) : IProgress<string>
    {
        public void Report(string value) => stdout.WriteLine(value);
    }
}
