using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Dsl.Runtime;
using Dsl.Runtime.Data;
using Dsl.Runtime.Detection;
using Dsl.Runtime.Training;
using Dsl.Runtime.Weights;
using QDetr;
using TorchSharp;
using static TorchSharp.torch;

// A small DETR on Fashion-MNIST objects pasted on 64×64 canvases: trained in full precision,
// then quantized at 4, 3 and 2 bits by plain LSQ+ and by Q-DETR (LSQ+ with DRD from the
// full-precision DETR), both in two stages (backbone first, then everything). COCO AP on a
// held-out set of canvases, BOPs, and the decoder queries' spread for plain and rectified students.
//   dotnet run -c Release [-- --train-images 6000] [--test-images 1000] [--epochs 40] [--stage1 4] [--stage2 16] [--subset]
var arguments = new ProgramArguments(args);
var (trainCount, testCount) = (arguments.Int("--train-images", 6000), arguments.Int("--test-images", 1000));
var (epochs, stage1, stage2, batch) = (arguments.Int("--epochs", 40), arguments.Int("--stage1", 4), arguments.Int("--stage2", 16), arguments.Int("--batch", 32));
var (fashionTrain, fashionTest) = arguments.LoadFashionMnist();
using var train = ObjectCanvases.Generate(fashionTrain, trainCount, seed: 0);
using var test = ObjectCanvases.Generate(fashionTest, testCount, seed: 1);
Console.WriteLine($"train: {train.Source}\ntest: {test.Source}");
var work = Directory.CreateDirectory(arguments.Subset ? "qdetr-work-subset" : "qdetr-work").FullName;
var tag = $"{trainCount}-images";
var rows = new List<Row>();

// Full precision, trained once.
var fullPath = Path.Combine(work, $"detr-{tag}-{epochs}-epochs.safetensors");
var teacher = new Detr();
rows.Add(KeptResult.GetOrRun(Path.Combine(work, $"detr-{tag}-{epochs}-epochs.json"), () =>
{
    var clock = Stopwatch.StartNew();
    var history = Trainer(epochs).Fit(teacher, train, test);
    PyTorchWeights.Save(teacher, fullPath);
    return Measure("full precision", teacher, history[^1].Test, clock.Elapsed.TotalSeconds);
}));
PyTorchWeights.Load(teacher, fullPath);

// Stage one (backbone quantized) per width, trained once and shared by LSQ+ and Q-DETR; then stage
// two of each student from it. Listed in the order they run: the main comparison first, the ablations last.
var stageOne = new Dictionary<int, (string Path, double Seconds)>();
(string Path, double Seconds) StageOne(int bits)
{
    if (stageOne.TryGetValue(bits, out var done)) return done;
    var path = Path.Combine(work, $"backbone-w{bits}a{bits}-{tag}-{stage1}-epochs.safetensors");
    var seconds = KeptResult.GetOrRun(path + ".json", () =>
        new Seconds(bits switch
        {
            4 => Stage(new DetrW4A4Backbone(), fullPath, path, stage1),
            3 => Stage(new DetrW3A3Backbone(), fullPath, path, stage1),
            _ => Stage(new DetrW2A2Backbone(), fullPath, path, stage1),
        })).Value;
    return stageOne[bits] = (path, seconds);
}
var students = new (int Bits, string Name, Func<string, string, double, Row> Run)[]
{
    (4, "LSQ+ W4A4", (name, from, s) => Student(name, new DetrW4A4(), from, s)),
    (4, "Q-DETR W4A4 (λ = 1)", (name, from, s) => Student(name, new QDetrW4A4Lambda1(), from, s)),
    (4, "Q-DETR W4A4", (name, from, s) => Student(name, new QDetrW4A4(), from, s)),
    (2, "LSQ+ W2A2", (name, from, s) => Student(name, new DetrW2A2(), from, s)),
    (2, "Q-DETR W2A2", (name, from, s) => Student(name, new QDetrW2A2(), from, s)),
    (3, "LSQ+ W3A3", (name, from, s) => Student(name, new DetrW3A3(), from, s)),
    (3, "Q-DETR W3A3", (name, from, s) => Student(name, new QDetrW3A3(), from, s)),
    (4, "rectification only W4A4", (name, from, s) => Student(name, new QDetrW4A4RectifyOnly(), from, s)),
    (4, "matching and L_DRD only W4A4", (name, from, s) => Student(name, new QDetrW4A4MatchOnly(), from, s)),
};
foreach (var (bits, name, run) in students)
{
    var (from, seconds) = StageOne(bits);
    rows.Add(KeptResult.GetOrRun(Path.Combine(work, $"{Slug(name)}-{tag}-{stage1}+{stage2}-epochs.json"), () => run(name, from, seconds)));
}

// DETR's auxiliary decoder losses, in full precision: the heads see both decoder layers.
rows.Add(KeptResult.GetOrRun(Path.Combine(work, $"detr-aux-{tag}-{epochs}-epochs.json"), () =>
{
    var model = new DetrAux();
    var clock = Stopwatch.StartNew();
    var history = Trainer(epochs).Fit(model, train, test);
    return Measure("full precision, auxiliary losses", model, history[^1].Test, clock.Elapsed.TotalSeconds);
}));

Console.WriteLine();
Console.WriteLine("| detector | AP | AP50 | AP75 | BOPs | parameters | query variance | query entropy | train s |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var r in rows)
    Console.WriteLine($"| {r.Name} | {r.Ap:P1} | {r.Ap50:P1} | {r.Ap75:P1} | {(r.Bops > 0 ? (r.Bops / 1e6).ToString("0.0") + " M" : "")} | {r.Parameters:N0} | {r.QueryVariance:0.000} | {r.QueryEntropy:0.00} | {r.Seconds:0} |");
SavePredictions(teacher, "full precision");

// Stage two of one student from the stage-one weights; each generated detector has its own Outputs record, so the helpers are generic.
Row Student<TOutput>(string name, nn.Module<Tensor, TOutput> model, string stageOnePath, double stageOneSeconds) where TOutput : INamedTensors
{
    var path = Path.Combine(work, $"{Slug(name)}-{tag}.safetensors");
    var seconds = stageOneSeconds + Stage(model, stageOnePath, path, stage2);
    return Measure(name, model, DetectionTrainer.Evaluate(model, test, Devices.Resolve("auto")), seconds);
}

DetectionTrainer Trainer(int n) => new(new DetectionOptions(n, batch, LearningRate: 3e-4, BackboneLearningRate: 3e-4));

double Stage<TOutput>(nn.Module<Tensor, TOutput> model, string from, string to, int n) where TOutput : INamedTensors
{
    // The quantizers' steps are not in the file: they start from the first batch.
    PyTorchWeights.Load(model, from, strict: false);
    if (model is IDistilledDetector distilled) distilled.Distillation.From(teacher);
    var clock = Stopwatch.StartNew();
    Trainer(n).Fit(model, train, test);
    PyTorchWeights.Save(model, to);
    return clock.Elapsed.TotalSeconds;
}

Row Measure<TOutput>(string name, nn.Module<Tensor, TOutput> model, DetectionMetrics metrics, double seconds) where TOutput : INamedTensors
{
    var cost = ModelCost.Of(model);
    var (variance, entropy) = QuerySpread(model);
    return new Row(name, metrics.Ap, metrics.Ap50, metrics.Ap75, cost["Bops"] ?? 0, cost.Parameters, variance, entropy, seconds);
}

// The last decoder layer's queries' per-feature variance over the test set, and their entropy as Gaussians, ½·log(2πe·σ²) averaged over features.
(double Variance, double Entropy) QuerySpread<TOutput>(nn.Module<Tensor, TOutput> model) where TOutput : INamedTensors
{
    model.eval();
    using var noGrad = no_grad();
    using var scope = NewDisposeScope();
    var taps = (IFeatureTaps<TOutput>)model;
    var device = model.parameters().First().device;
    var parts = new List<Tensor>();
    for (long i = 0; i < test.Count; i += 128)
    {
        var (_, features) = taps.ForwardWithFeatures(test.Images.narrow(0, i, Math.Min(128, test.Count - i)).to(device));
        parts.Add(DetectionTrainer.LastLayer(features.Named.Single(n => n.Name == "queries").Tensor).reshape(-1, 64).to(CPU));
    }
    var variance = cat(parts, 0).var(0);
    return (variance.mean().item<float>(), (0.5 * (2 * Math.PI * Math.E * variance).log()).mean().item<float>());
}

void SavePredictions<TOutput>(nn.Module<Tensor, TOutput> model, string name) where TOutput : INamedTensors
{
    model.eval();
    using var noGrad = no_grad();
    var images = test.Images.narrow(0, 0, 6);
    var (logits, boxes) = DetectionTrainer.Heads(model.forward(images.to(model.parameters().First().device)));
    var predictions = DetectionTrainer.Predictions(logits, boxes, 0, 64, 64);
    DetectionDrawing.Save($"predictions{(arguments.Subset ? "-subset" : "")}.png", images, test.Targets.Take(6).SelectMany((t, i) => t.Labelled(i, 64, 64)), predictions);
    Console.WriteLine($"predictions of the {name} detector on six test canvases: predictions{(arguments.Subset ? "-subset" : "")}.png");
}

static string Slug(string name) => new string(name.Where(char.IsAsciiLetterOrDigit).ToArray()).ToLowerInvariant();

record Seconds(double Value);

record Row(string Name, double Ap, double Ap50, double Ap75, double Bops, long Parameters, double QueryVariance, double QueryEntropy, double Seconds);
