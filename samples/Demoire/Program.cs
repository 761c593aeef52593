using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Demoire;
using Dsl.Runtime;
using Dsl.Runtime.Data;
using Dsl.Runtime.Dynamic;
using Dsl.Runtime.Training;
using Dsl.Runtime.Weights;
using TorchSharp;
using static TorchSharp.torch;

// DDA on simulated screen captures of photographs: a small multi-scale demoiréing network trained
// as a slimmable supernet whose patches are routed to widths by the moiré prior, against the same
// network trained alone at each width, the supernet at each width for every patch, and the
// supernet routed by random scores at the same width mix. PSNR (RGB) and SSIM (Y) on held-out
// photographs, mean MACs per 64×64 patch, CPU time per image.
//   dotnet run -c Release [-- --train DIR --test DIR] [--steps 4000] [--crops 8] [--max-side 512] [--subset]
var arguments = new ProgramArguments(args);
var subset = arguments.Flag("--subset");
var (steps, crops, maxSide) = (arguments.Int("--steps", subset ? 20 : 4000), arguments.Int("--crops", 8), arguments.Int("--max-side", subset ? 256 : 512));
var (trainFiles, testFiles, source) = Photographs.Choose(arguments.String("--train"), arguments.String("--test"));
Console.WriteLine($"photographs: {source}");
using var train = MoirePairs.Simulate(trainFiles, maxSide, seed: 0);
using var test = MoirePairs.Simulate(testFiles, maxSide, seed: 1000);
Console.WriteLine($"training: {train.Source}; test: {test.Source}");
var work = Directory.CreateDirectory(subset ? "demoire-work-subset" : "demoire-work").FullName;
var tag = $"{steps}-steps-{crops}-crops-{maxSide}px";
var options = new DynamicTrainingOptions(steps, crops, LogEvery: Math.Max(1, steps / 10));
const long Patch = 64, Overlap = 8;

var rows = new List<Row> { Row.Of("input (moiré, not restored)", test, test.Moire, 0, 0, 0) };

// The same network trained alone at each width (c = 8, 16, 24, 32), and at c = 22, whose MACs are the routed supernet's mean.
var plain = new (int C, Func<nn.Module<Tensor, Tensor>> Create)[]
{
    (32, () => new DemoireC32()), (8, () => new DemoireC8()), (16, () => new DemoireC16()), (24, () => new DemoireC24()), (22, () => new DemoireC22()),
};
foreach (var (c, create) in plain)
{
    rows.Add(KeptResult.GetOrRun(Path.Combine(work, $"plain-c{c}-{tag}.json"), () =>
    {
        manual_seed(0);
        using var model = create();
        var result = DynamicTraining.FitPlain(model, train, Patch, options);
        PyTorchWeights.Save(model, Path.Combine(work, $"plain-c{c}-{tag}.safetensors"));
        var (images, ms) = Timed(() => test.Moire.Select(m => RestorePlain(model, m)).ToList());
        return Row.Of($"trained alone, c = {c}", test, images, ModelCost.Of(model).Macs ?? 0, ms, result.Seconds);
    }));
}

// The supernet, trained once; then every way of running it.
var supernetPath = Path.Combine(work, $"supernet-{tag}.safetensors");
var supernetSeconds = KeptResult.GetOrRun(supernetPath + ".json", () =>
{
    manual_seed(0);
    using var model = new DemoireNet();
    var result = DynamicTraining.Fit(model, train, options);
    PyTorchWeights.Save(model, supernetPath);
    return new Seconds(result.Seconds);
}).Value;
using var supernet = new DemoireNet();
PyTorchWeights.Load(supernet, supernetPath);
foreach (var width in supernet.Dynamic.Widths.Widths)
    rows.Add(Routed($"supernet, every patch at {width}", image => supernet.Dynamic.Restore(supernet, image, width)));
rows.Add(Routed("DDA: routed by the moiré prior", image => supernet.Dynamic.Restore(supernet, image)));
using (var random = new Generator(7))
    rows.Add(Routed("routed by random scores (same width mix)", image =>
        supernet.Dynamic.Restore(supernet, image, rand(supernet.Dynamic.Grid(image).Count, generator: random, dtype: ScalarType.Float64).data<double>().ToArray())));

Console.WriteLine();
Console.WriteLine("| network | PSNR dB | SSIM | MACs per patch | of full | ms per image | train s |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
var full = rows.Single(r => r.Name == "trained alone, c = 32").Macs;
foreach (var r in rows)
    Console.WriteLine($"| {r.Name} | {r.Psnr:0.00} | {r.Ssim:0.0000} | {(r.Macs > 0 ? (r.Macs / 1e6).ToString("0.0") + " M" : "")} | {(r.Macs > 0 ? (r.Macs / full).ToString("P0") : "")} | {(r.Milliseconds > 0 ? r.Milliseconds.ToString("0") : "")} | {(r.TrainSeconds > 0 ? r.TrainSeconds.ToString("0") : "")} |");
SaveFigure(subset ? "dda-subset.png" : "dda.png");

Row Routed(string name, Func<Tensor, RoutedImage> restore)
{
    var (routed, ms) = Timed(() => test.Moire.Select(restore).ToList());
    return Row.Of(name, test, routed.Select(r => r.Image).ToList(), routed.Average(r => r.MeanMacs), ms, supernetSeconds);
}

// A plain network restores an image through the same patches and blended seams as the supernet.
Tensor RestorePlain(nn.Module<Tensor, Tensor> model, Tensor image)
{
    model.eval();
    using var noGrad = no_grad();
    var grid = new PatchGrid(image.shape[1], image.shape[2], Patch, Overlap);
    using var patches = grid.Cut(image);
    using var restored = model.forward(patches);
    return grid.Stitch(restored);
}

// The results and the mean milliseconds per image of restoring every test image.
static (T Result, double Milliseconds) Timed<T>(Func<T> run) where T : System.Collections.ICollection
{
    var clock = Stopwatch.StartNew();
    var result = run();
    return (result, clock.Elapsed.TotalMilliseconds / Math.Max(1, result.Count));
}

// One test image: the capture, the prior's widths (white the widest), DDA's restoration, the clean target.
void SaveFigure(string path)
{
    var index = test.Names.ToList().IndexOf("chelsea") is var i and >= 0 ? i : 0;
    var image = test.Moire[index];
    var routed = supernet.Dynamic.Restore(supernet, image);
    var grid = supernet.Dynamic.Grid(image);
    using var widths = tensor(routed.PatchWidths.Select(w => (float)w).ToArray()).reshape(-1, 1, 1, 1).expand(grid.Count, 3, Patch, Patch);
    var map = grid.Stitch(widths.contiguous());
    ImageFiles.SavePng(cat(new[] { image, map, routed.Image.clamp(0, 1), test.Clean[index] }, 2), path);
    Console.WriteLine($"{path}: a capture of {test.Names[index]}, the widths the prior chose (white 1, dark 0.25), DDA's restoration, the target");
}

record Seconds(double Value);

record Row(string Name, double Psnr, double Ssim, double Macs, double Milliseconds, double TrainSeconds)
{
    public static Row Of(string name, MoirePairs test, IReadOnlyList<Tensor> images, double macs, double milliseconds, double trainSeconds) =>
        new(name, images.Select((m, i) => ImageQuality.PsnrRgb(m.clamp(0, 1), test.Clean[i])).Average(),
            images.Select((m, i) => ImageQuality.Ssim(m.clamp(0, 1), test.Clean[i], 0)).Average(), macs, milliseconds, trainSeconds);
}
