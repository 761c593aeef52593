using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Dsl.Runtime.Data;
using Dsl.Runtime.Ptq;
using Dsl.Runtime.Weights;
using SuperResolution;
using TorchSharp;
using static TorchSharp.torch;

// Super-resolution ×2 on real photographs, then post-training quantization without fine-tuning:
// EdsrSmall (EDSR-baseline's design at laptop scale) is trained on patches of photographs, and
// its residual blocks are quantized at 8, 6 and 4 bits by min-max, percentile and DFSQ, each
// calibrated on 100 training patches. PSNR and SSIM (Y channel, `scale` pixels of border cut)
// on photographs none of which was seen in training or calibration; bicubic is the floor.
//   dotnet run -c Release [-- --train DIR --test DIR] [--steps 3000] [--batch 16] [--patch 32] [--max-side 1024]
// Photographs: by default the photographic wallpapers of Debian's plasma-workspace-wallpapers
// to train on and the four photographs shipped in data/photos to test on; without the package,
// two of the shipped photographs to train on and the other two to test on.
var arguments = new ProgramArguments(args);
var (steps, batch, patch, maxSide) = (arguments.Int("--steps", 3000), arguments.Int("--batch", 16), arguments.Int("--patch", 32), arguments.Int("--max-side", 1024));
const int scale = 2;
var (trainFiles, testFiles, source) = Photographs.Choose(arguments.String("--train"), arguments.String("--test"));
Console.WriteLine($"photographs: {source}");
using var train = SuperResolutionData.Load(trainFiles, scale, maxSide);
using var test = SuperResolutionData.Load(testFiles, scale, maxSide);
Console.WriteLine($"training on {train.Description} ({string.Join(", ", train.Pairs.Select(p => Photographs.Name(p.Path)))}); testing on {test.Description} ({string.Join(", ", test.Pairs.Select(p => Photographs.Name(p.Path)))})");
var work = Directory.CreateDirectory("sr-work").FullName;

// Full precision: trained once, kept in sr-work/.
var weights = Path.Combine(work, $"edsr-small-x{scale}-{steps}-steps-{train.Pairs.Count}-photos.safetensors");
var trainSeconds = double.NaN;
if (!File.Exists(weights))
{
    manual_seed(0);
    using var model = new EdsrSmall();
    trainSeconds = Training.Fit(model, train, steps, batch, patch);
    PyTorchWeights.Save(model, weights);
}
Console.WriteLine(double.IsNaN(trainSeconds) ? $"full-precision weights: {weights} (kept)" : $"trained in {trainSeconds:0} s; weights: {weights}");

// Every setting on the same test photographs; the quantized ones calibrated on the same 100 training patches.
var rows = new List<Row> { Evaluation.Bicubic(test) };
using (var model = new EdsrSmall())
{
    PyTorchWeights.Load(model, weights);
    rows.Add(Evaluation.Run("full precision", model, test, calibration: null));
}
var settings = new (string Name, Func<nn.Module<Tensor, Tensor>> Create)[]
{
    ("min-max W8A8", () => new EdsrSmallMinmaxW8A8()), ("percentile W8A8", () => new EdsrSmallPercentileW8A8()), ("DFSQ W8A8", () => new EdsrSmallDfsqW8A8()),
    ("min-max W6A6", () => new EdsrSmallMinmaxW6A6()), ("percentile W6A6", () => new EdsrSmallPercentileW6A6()), ("DFSQ W6A6", () => new EdsrSmallDfsqW6A6()),
    ("min-max W4A4", () => new EdsrSmallMinmaxW4A4()), ("percentile W4A4", () => new EdsrSmallPercentileW4A4()), ("DFSQ W4A4", () => new EdsrSmallDfsqW4A4()),
};
var calibration = Evaluation.CalibrationPatches(train, patch: 48, count: 100);
var crops = new List<(string Name, Tensor Crop)>();
foreach (var (name, create) in settings)
{
    using var model = create();
    PyTorchWeights.Load(model, weights, strict: false);
    var row = Evaluation.Run(name, model, test, calibration);
    rows.Add(row);
    if (name.EndsWith("W4A4", StringComparison.Ordinal)) crops.Add((name, Evaluation.Crop(model, test)));
}

string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
var full = rows.Single(r => r.Name == "full precision");
Console.WriteLine();
Console.WriteLine($"{"setting",-18} {"PSNR dB",8} {"SSIM",7} {"Δ PSNR",7} {"inputs s",9} {"selection s",12}   per photograph (PSNR)");
foreach (var r in rows)
{
    var difference = r.Psnr - full.Psnr;
    var delta = r.Name is "bicubic" or "full precision" ? "" : (difference < 0 ? "-" : "+") + F(Math.Abs(difference), "0.00");
    var (inputs, selection) = r.ObserveSeconds > 0 ? (F(r.ObserveSeconds, "0.0"), F(r.SelectSeconds, "0.0")) : ("", "");
    Console.WriteLine($"{r.Name,-18} {F(r.Psnr, "0.00"),8} {F(r.Ssim, "0.0000"),7} {delta,7} {inputs,9} {selection,12}   {string.Join(" ", r.PerImage.Select(p => F(p, "0.00")))}");
}
File.WriteAllText(Path.Combine(work, "results.json"), System.Text.Json.JsonSerializer.Serialize(rows, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

// One test photograph's crop at each 4-bit setting, beside the original, bicubic and full precision.
using (var model = new EdsrSmall())
{
    PyTorchWeights.Load(model, weights);
    crops.Insert(0, ("full precision", Evaluation.Crop(model, test)));
}
crops.Insert(0, ("bicubic", Evaluation.BicubicCrop(test)));
crops.Insert(0, ("original", Evaluation.OriginalCrop(test)));
Evaluation.SaveStrip(crops.Select(c => c.Crop).ToList(), "crops-x2-4bit.png");
Console.WriteLine($"crops (left to right: {string.Join(", ", crops.Select(c => c.Name))}): crops-x2-4bit.png");
return 0;

/// <summary>One setting's scores on the test photographs: mean PSNR and SSIM, each photograph's PSNR, and calibration's time (running the inputs, selecting; 0 when not quantized).</summary>
sealed record Row(string Name, double Psnr, double Ssim, double[] PerImage, double ObserveSeconds, double SelectSeconds);
