using Dsl.Cli;
using Dsl.Runtime.Data;
using Dsl.Runtime.Ptq;
using Dsl.Runtime.Weights;
using static TorchSharp.torch;

namespace Dsl.Cli.Tests;

/// <summary>`cmodel ptq`: a trained model and a folder of photographs in, a calibrated model out; bad input refused with nothing written.</summary>
public class PtqCommandTests
{
    private const string Source = """
        block Unit(feats: int) {
            input x: [N, C, H, W]
            y = x -> conv2d(feats, kernel: 3, padding: 1) -> relu -> conv2d(feats, kernel: 3, padding: 1)
            output x + y
        }

        model Sr {
            input lr: [N, 3, 8, 8]
            h = lr -> conv2d(4, kernel: 3, padding: 1) as head
            r = h -> Unit(4) @ptq(w: 4, a: 3, samples: 20)
            output (h + r) -> conv2d(12, kernel: 3, padding: 1) -> pixel_shuffle(2)
        }

        model Plain {
            input lr: [N, 3, 8, 8]
            output lr -> conv2d(3, kernel: 3, padding: 1)
        }
        """;

    private static (string Folder, string Model, string Weights, string Photos) Setup()
    {
        var folder = Directory.CreateTempSubdirectory("cmodel-ptq-cli-").FullName;
        var model = Path.Combine(folder, "sr.cmodel");
        File.WriteAllText(model, Source);
        var assembly = InMemoryModels.Compile(model, Source, Array.Empty<(string, string)>(), TextWriter.Null)!;
        manual_seed(0);
        using var fullPrecision = InMemoryModels.Create(InMemoryModels.FindModel(assembly, "Sr")!);
        var weights = Path.Combine(folder, "sr.safetensors");
        PyTorchWeights.Save(fullPrecision, weights);
        var photos = Directory.CreateDirectory(Path.Combine(folder, "photos")).FullName;
        for (var i = 0; i < 3; i++) ImageFiles.SavePng(rand(3, 30, 40), Path.Combine(photos, $"{i}.png"));
        return (folder, model, weights, photos);
    }

    [Fact]
    public void Ptq_calibrates_the_model_on_the_photographs_and_saves_it()
    {
        var (folder, model, weights, photos) = Setup();
        var output = Path.Combine(folder, "q.safetensors");
        var (code, stdout, stderr) = CliTests.Run("ptq", model, "--model", "Sr", "--weights", weights, "--calibration", photos, "--scale", "2", "--test", photos, "--out", output);
        Assert.True(code == CommandLine.Ok, stderr);
        Assert.Matches(@"on 3 photographs, ×2 from .*: full precision \d+\.\d\d dB PSNR, SSIM 0\.\d{4}; quantized \d+\.\d\d dB \([+-]\d\.\d\d\), SSIM", stdout);
        Assert.Contains("calibrating 2 @ptq layers of Sr on 20 patches 8×8", stdout);
        Assert.Contains("layer 2/2 calibrated (dfsq, W4A3)", stdout);
        var assembly = InMemoryModels.Compile(model, Source, Array.Empty<(string, string)>(), TextWriter.Null)!;
        using var quantized = InMemoryModels.Create(InMemoryModels.FindModel(assembly, "Sr")!);
        Assert.True(PyTorchWeights.Load(quantized, output).IsExact);
        Assert.True(PostTraining.IsCalibrated(quantized));
        // The weights are the trained ones: the first (full-precision) layer's agree exactly.
        var trained = PyTorchWeights.Read(weights);
        var saved = PyTorchWeights.Read(output);
        Assert.True(saved["head.weight"].allclose(trained["head.weight"], rtol: 0, atol: 0));
    }

    [Fact]
    public void A_corrupt_photograph_is_named_and_nothing_is_written()
    {
        var (folder, model, weights, photos) = Setup();
        File.WriteAllBytes(Path.Combine(photos, "3.png"), new byte[] { 0x89, 0x50, 0x4E, 0x47, 0, 0 });
        var output = Path.Combine(folder, "q.safetensors");
        var (code, _, stderr) = CliTests.Run("ptq", model, "--model", "Sr", "--weights", weights, "--calibration", photos, "--out", output);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("3.png", stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Photographs_smaller_than_the_input_and_weights_of_another_model_are_refused()
    {
        var (folder, model, weights, _) = Setup();
        var small = Directory.CreateDirectory(Path.Combine(folder, "small")).FullName;
        ImageFiles.SavePng(rand(3, 6, 6), Path.Combine(small, "tiny.png"));
        var output = Path.Combine(folder, "q.safetensors");
        var tooSmall = CliTests.Run("ptq", model, "--model", "Sr", "--weights", weights, "--calibration", small, "--out", output);
        Assert.Equal(CommandLine.Usage, tooSmall.Code);
        Assert.Contains("tiny.png: is 6×6, smaller than the model's 8×8 input", tooSmall.Err);
        var assembly = InMemoryModels.Compile(model, Source, Array.Empty<(string, string)>(), TextWriter.Null)!;
        using var plain = InMemoryModels.Create(InMemoryModels.FindModel(assembly, "Plain")!);
        var other = Path.Combine(folder, "plain.safetensors");
        PyTorchWeights.Save(plain, other);
        var mismatched = CliTests.Run("ptq", model, "--model", "Sr", "--weights", other, "--calibration", small, "--out", output);
        Assert.Equal(CommandLine.Usage, mismatched.Code);
        Assert.Contains($"{other} does not fit Sr", mismatched.Err);
        var noPtq = CliTests.Run("ptq", model, "--model", "Plain", "--weights", other, "--calibration", small, "--out", output);
        Assert.Contains("Plain has no @ptq layers", noPtq.Err);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Scoring_at_a_scale_the_model_does_not_enlarge_by_is_refused()
    {
        var (folder, model, weights, photos) = Setup();
        var output = Path.Combine(folder, "q.safetensors");
        var (code, _, stderr) = CliTests.Run("ptq", model, "--model", "Sr", "--weights", weights, "--calibration", photos, "--scale", "3", "--test", photos, "--out", output);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("is --scale the model's?", stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Ptq_says_what_is_missing()
    {
        var (_, model, weights, _) = Setup();
        var (code, _, stderr) = CliTests.Run("ptq", model, "--model", "Sr", "--weights", weights);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("--calibration is required", stderr);
    }
}
