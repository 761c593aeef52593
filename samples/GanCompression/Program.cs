using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Dsl.Runtime;
using Dsl.Runtime.Data;
using Dsl.Runtime.Gan;
using Dsl.Runtime.Training;
using Dsl.Runtime.Weights;
using GanCompression;
using TorchSharp;
using static TorchSharp.torch;

// Pix2Pix edges→shoes on Fashion-MNIST's sandals, sneakers and ankle boots: a teacher generator
// (ngf 64), then a student 4× narrower (ngf 16) trained alone, with pixel-wise feature
// distillation, and with DCD (its collaborative discriminator as adversary). FID on the test
// shoes with a Fashion-MNIST classifier's pooled features, over several seeds.
//   dotnet run -c Release [-- --train-pairs 6000] [--test-pairs 2000] [--teacher-epochs 8] [--epochs 5] [--seeds 0,1,2] [--subset] [--vgg16 vgg16.pth]
var arguments = new ProgramArguments(args);
var (trainPairs, testPairs) = (arguments.Int("--train-pairs", 6000), arguments.Int("--test-pairs", 2000));
var (teacherEpochs, epochs, batch) = (arguments.Int("--teacher-epochs", 8), arguments.Int("--epochs", 5), arguments.Int("--batch", 16));
var seeds = arguments.IntList("--seeds", new[] { 0, 1, 2 });
var (fashionTrain, fashionTest) = arguments.LoadFashionMnist();
using var train = ShoeEdges.Pairs(fashionTrain, trainPairs);
using var test = ShoeEdges.Pairs(fashionTest, testPairs);
Console.WriteLine($"train: {train.Source}\ntest: {test.Source}");
var work = Directory.CreateDirectory(arguments.Subset ? "gan-work-subset" : "gan-work").FullName;
var tag = $"{train.Count}-pairs";

// The feature network for FID and the style terms: a classifier of all ten classes.
var featuresPath = Path.Combine(work, "shoe-features.safetensors");
var featureModel = new ShoeFeatures();
if (!File.Exists(featuresPath))
{
    var trainer = new Trainer(new TrainerOptions { Epochs = 3, Optimizer = new OptimizerSpec.Adam(1e-3), Schedule = new LearningRateSchedule.Cosine(WarmupEpochs: 0) });
    var summary = trainer.Fit(featureModel, new BatchLoader(fashionTrain, 128, shuffle: true), new BatchLoader(fashionTest, 512, shuffle: false));
    Console.WriteLine($"feature network: top-1 {summary.History[^1].Top1:P2}");
    PyTorchWeights.Save(featureModel, featuresPath);
}
PyTorchWeights.Load(featureModel, featuresPath);
// Generator images are 32×32 in [−1, 1]; the classifier reads 28×28 in [0, 1].
var features = new FeatureNetwork(featureModel, "pooled", x => (x.narrow(2, 2, 28).narrow(3, 2, 28) + 1) / 2);
// DCD's style terms read VGG-16's relu2_2 when its torchvision weights are given (ImageNet's
// normalisation, the gray image on all three channels, 64×64); else the classifier's maps.
var styleNetwork = arguments.String("--vgg16") is { } vggPath ? Vgg16(vggPath) : new FeatureNetwork(featureModel, "maps", x => (x.narrow(2, 2, 28).narrow(3, 2, 28) + 1) / 2);
Console.WriteLine($"style network: {styleNetwork.Feature} of {(arguments.String("--vgg16") is { } v ? $"VGG-16 ({v})" : "the Fashion-MNIST classifier")}");
Console.WriteLine($"FID floor (test shoes against training shoes, {test.Count} each): {features.Fid(test.Targets, train.Targets.narrow(0, 0, test.Count)):0.00}");

// The teacher, trained once with Pix2Pix's losses.
var teacherPath = Path.Combine(work, $"teacher-{tag}-{teacherEpochs}-epochs.safetensors");
var teacher = new ShoeTeacher();
var teacherSeconds = double.NaN;
if (!File.Exists(teacherPath))
{
    var clock = Stopwatch.StartNew();
    using var recipe = new Pix2Pix(teacher, new PatchDiscriminator(), new GanOptions(teacherEpochs, batch, SamplesFolder: Path.Combine(work, "teacher-epochs")));
    new GanTrainer(recipe.Options).Fit(recipe, train, (test.Sources.narrow(0, 0, 8), test.Targets.narrow(0, 0, 8)));
    teacherSeconds = clock.Elapsed.TotalSeconds;
    PyTorchWeights.Save(teacher, teacherPath);
}
PyTorchWeights.Load(teacher, teacherPath);
var rows = new List<Row> { Evaluate("teacher (ngf 64)", teacher, seed: 0, teacherSeconds) };

// The students: alone, pixel-wise feature distillation, DCD; each seed a kept result.
var students = new (string Name, Func<nn.Module<Tensor, Tensor>> Create)[]
{
    ("student alone (ngf 16)", () => new ShoeStudent()),
    ("student + feature L1", () => new ShoeStudentFeatures()),
    ("student + DCD", () => new ShoeStudentDcd()),
};
var grid = new List<Tensor> { test.Sources.narrow(0, 0, 10), Translate(teacher, test.Sources.narrow(0, 0, 10)) };
foreach (var (name, create) in students)
{
    foreach (var seed in seeds)
    {
        var path = Path.Combine(work, $"{Slug(name)}-{tag}-{epochs}-epochs-seed-{seed}");
        rows.Add(KeptResult.GetOrRun(path + ".json", () =>
        {
            manual_seed(seed);
            var student = create();
            var clock = Stopwatch.StartNew();
            switch (student)
            {
                case ShoeStudentFeatures f: f.Distillation.From(teacher); break;
                case ShoeStudentDcd d: d.Distillation.From(teacher, new PatchDiscriminator(), styleNetwork); break;
            }
            using var recipe = new Pix2Pix(student, new PatchDiscriminator(), new GanOptions(epochs, batch, Seed: seed));
            new GanTrainer(recipe.Options).Fit(recipe, train);
            PyTorchWeights.Save(student, path + ".safetensors");
            return Evaluate(name, student, seed, clock.Elapsed.TotalSeconds);
        }));
        if (seed == seeds[0])
        {
            var student = create();
            PyTorchWeights.Load(student, path + ".safetensors");
            grid.Add(Translate(student, test.Sources.narrow(0, 0, 10)));
        }
    }
}
grid.Add(test.Targets.narrow(0, 0, 10));
ImageGrid.Save($"edges-to-shoes{(arguments.Subset ? "-subset" : "")}.png", grid);

Console.WriteLine();
Console.WriteLine("| generator | seed | FID | L1 to the real shoe | MACs | parameters | train s |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var r in rows)
    Console.WriteLine($"| {r.Name} | {r.Seed} | {r.Fid:0.00} | {r.L1:0.0000} | {r.Macs / 1e6:0.00} M | {r.Parameters:N0} | {(double.IsNaN(r.Seconds) ? "" : r.Seconds.ToString("0"))} |");
Console.WriteLine();
foreach (var group in rows.Skip(1).GroupBy(r => r.Name))
{
    var fids = group.Select(r => r.Fid).ToList();
    Console.WriteLine($"{group.Key}: FID mean {fids.Average():0.00} over {fids.Count} seed(s) ({string.Join(", ", fids.Select(f => f.ToString("0.00")))})");
}

Row Evaluate(string name, nn.Module<Tensor, Tensor> generator, int seed, double seconds)
{
    using var scope = NewDisposeScope();
    var generated = Translate(generator, test.Sources);
    var fid = features.Fid(test.Targets, generated);
    var l1 = nn.functional.l1_loss(generated, test.Targets).item<float>();
    var cost = ModelCost.Of(generator);
    return new Row(name, seed, fid, l1, cost.Macs ?? 0, cost.Parameters, seconds);
}

static Tensor Translate(nn.Module<Tensor, Tensor> generator, Tensor sources)
{
    generator.eval();
    using var noGrad = no_grad();
    var parts = new List<Tensor>();
    for (long i = 0; i < sources.shape[0]; i += 256) parts.Add(generator.forward(sources.narrow(0, i, Math.Min(256, sources.shape[0] - i))));
    return cat(parts, 0);
}

static FeatureNetwork Vgg16(string path)
{
    var vgg = new Vgg16Features();
    PyTorchWeights.Load(vgg, path, rename: key => key.StartsWith("features.") && key.Split('.') is [_, var index, var kind] && vgg.state_dict().ContainsKey($"conv{index}.{kind}") ? $"conv{index}.{kind}" : null);
    var mean = tensor(new float[] { 0.485f, 0.456f, 0.406f }).reshape(1, 3, 1, 1);
    var std = tensor(new float[] { 0.229f, 0.224f, 0.225f }).reshape(1, 3, 1, 1);
    return new FeatureNetwork(vgg, "relu2_2", x => (nn.functional.interpolate((x + 1) / 2, size: new long[] { 64, 64 }, mode: InterpolationMode.Bilinear).expand(-1, 3, -1, -1) - mean.to(x.device)) / std.to(x.device));
}

static string Slug(string name) => new string(name.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();

record Row(string Name, int Seed, double Fid, double L1, double Macs, double Parameters, double Seconds);
