using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Runtime.Gan;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// Trains a student generator from a frozen teacher at the features both name (<c>feature down: h</c>).
/// <c>features</c>: each student map through a trained 1×1 convolution to the teacher's
/// channels, L1 to the teacher's map (pixel-wise feature distillation), weight <c>maps</c>.
/// <c>dcd</c> (discriminator-cooperated distillation): student and teacher maps through 1×1
/// conv + BatchNorm + ReLU adapters to the discriminator's input channels (the student's
/// trained, the teacher's fixed), resized to the images' size when smaller, then through the
/// discriminator up to its feature <c>layer</c>:
/// L_DCD = Σ_k |D(A_s(S_k)) − D(A_t(T_k))|₁, weight <c>dcd</c>; the discriminator trains alongside
/// on real images against the teacher's (the teacher phase) and is the student's adversary.
/// Both add <c>style</c>·|Gram(φ(G_S(x))) − Gram(φ(G_T(x)))|₁ and <c>perceptual</c>·|φ(G_S(x)) −
/// φ(G_T(x))|₁ for a trained network φ. No distillation gradient reaches the teacher or the
/// discriminator: the teacher runs without gradients and the discriminator's parameters are
/// frozen while the student's terms pass through it.
/// </summary>
internal sealed class GeneratorDistiller : IGeneratorDistiller
{
    private readonly GeneratorDistillation _settings;
    private readonly nn.Module<Tensor, Tensor> _student;
    private readonly nn.Module<Tensor, Tensor> _teacher;
    private readonly nn.Module<Tensor, Tensor>? _discriminator;
    private readonly FeatureNetwork? _styleNetwork;
    private readonly Dictionary<string, double> _last = new();
    private Adapters? _adapters;
    private IReadOnlyList<string> _taps = Array.Empty<string>();
    private Tensor? _teacherOutput;
    private long[]? _imageSize;
    private Dictionary<string, Tensor> _teacherFeatures = new();

    internal GeneratorDistiller(GeneratorDistillation settings, nn.Module<Tensor, Tensor> student, nn.Module<Tensor, Tensor> teacher,
        nn.Module<Tensor, Tensor>? discriminator, FeatureNetwork? styleNetwork)
    {
        if (teacher is not IFeatureTaps<Tensor>) throw new ArgumentException($"the teacher {teacher.GetType().Name} names no features to distil");
        if (settings.Method == "dcd" && discriminator is not IFeatureTaps<Tensor>)
            throw new ArgumentException($"DCD compares through the discriminator's feature '{settings.Layer}', but {discriminator!.GetType().Name} names no features");
        (_settings, _student, _teacher, _discriminator, _styleNetwork) = (settings, student, teacher, discriminator, styleNetwork);
        foreach (var p in teacher.parameters()) p.requires_grad_(false);
    }

    public int StudentSteps => (int)_settings.Steps;

    public nn.Module<Tensor, Tensor>? Discriminator => _settings.Method == "dcd" ? _discriminator : null;

    public IReadOnlyDictionary<string, double> LastLosses => _last;

    /// <summary>The adapters of the taps in order: the student's trained, the teacher's (DCD) fixed; one module, so a checkpoint holds both.</summary>
    private sealed class Adapters : nn.Module
    {
        public readonly ModuleList<FeatureAdapter> student;
        public readonly ModuleList<FeatureAdapter> teacher;

        public Adapters(IEnumerable<FeatureAdapter> studentSide, IEnumerable<FeatureAdapter> teacherSide) : base("DistillationAdapters")
        {
            student = nn.ModuleList(studentSide.ToArray());
            teacher = nn.ModuleList(teacherSide.ToArray());
            RegisterComponents();
        }
    }

    public IEnumerable<(string Name, nn.Module Module, IEnumerable<Parameter> Parameters, bool WithStudent)> Trained(
        Device device, Tensor probe, Func<Tensor, Tensor, Tensor> discriminatorInput)
    {
        _student.to(device);
        _teacher.to(device);
        _teacher.eval();
        var (studentOut, studentMaps, teacherMaps) = Probe(probe);
        var dcd = _settings.Method == "dcd";
        var pair = dcd ? discriminatorInput(probe, studentOut) : null;
        var channels = pair?.shape[1] ?? 0;
        _imageSize = pair is null ? null : new[] { pair.shape[2], pair.shape[3] };
        var studentSide = _taps.Select(k => new FeatureAdapter(studentMaps[k], dcd ? channels : teacherMaps[k], normalised: dcd)).ToList();
        var teacherSide = dcd ? _taps.Select(k => new FeatureAdapter(teacherMaps[k], channels, normalised: true)).ToList() : new List<FeatureAdapter>();
        _adapters = new Adapters(studentSide, teacherSide);
        _adapters.to(device);
        foreach (var p in _adapters.teacher.parameters()) p.requires_grad_(false);
        // The teacher's adapters are a fixed map: their BatchNorm never updates its statistics.
        _adapters.teacher.eval();
        yield return ("adapters", _adapters, _adapters.student.parameters(), true);
        if (dcd)
        {
            var discriminator = _discriminator!;
            discriminator.to(device);
            yield return ("teacher discriminator", discriminator, discriminator.parameters(), false);
        }
    }

    /// <summary>One pass of both on the probe: the taps (the student's features, each also the teacher's, of the same spatial size) and their channels.</summary>
    private (Tensor Output, Dictionary<string, long> Student, Dictionary<string, long> Teacher) Probe(Tensor probe)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var wasTraining = _student.training;
        _student.eval();
        var (output, studentFeatures) = ((IFeatureTaps<Tensor>)_student).ForwardWithFeatures(probe);
        if (wasTraining) _student.train();
        var teacherFeatures = ((IFeatureTaps<Tensor>)_teacher).ForwardWithFeatures(probe).Features.Named.ToDictionary(n => n.Name, n => n.Tensor);
        var taps = new List<string>();
        var (studentChannels, teacherChannels) = (new Dictionary<string, long>(), new Dictionary<string, long>());
        foreach (var (name, map) in studentFeatures.Named)
        {
            if (!teacherFeatures.TryGetValue(name, out var teacherMap))
                throw new ArgumentException($"the student's feature '{name}' has no counterpart in the teacher {_teacher.GetType().Name}, which names {string.Join(", ", teacherFeatures.Keys)}");
            if (map.dim() != 4 || teacherMap.dim() != 4 || map.shape[2] != teacherMap.shape[2] || map.shape[3] != teacherMap.shape[3])
                throw new ArgumentException($"feature '{name}' is [{string.Join(", ", map.shape.Skip(1))}] in the student and [{string.Join(", ", teacherMap.shape.Skip(1))}] in the teacher; distilled maps share their height and width");
            taps.Add(name);
            studentChannels[name] = map.shape[1];
            teacherChannels[name] = teacherMap.shape[1];
        }
        if (taps.Count == 0 && (_settings.Maps > 0 || _settings.Dcd > 0))
            throw new ArgumentException($"{_student.GetType().Name} names no features to distil; declare them (feature down: h) in student and teacher");
        _taps = taps;
        return (output.MoveToOuterDisposeScope(), studentChannels, teacherChannels);
    }

    public void TeacherPhase(Tensor source, Tensor target, Func<Tensor, Tensor, Tensor> discriminatorInput, GanObjective objective, Func<string, OptimizerHelper> optimizer)
    {
        using (no_grad())
        {
            var (output, features) = ((IFeatureTaps<Tensor>)_teacher).ForwardWithFeatures(source);
            (_teacherOutput, _teacherFeatures) = (output, features.Named.ToDictionary(n => n.Name, n => n.Tensor));
        }
        if (_settings.Method != "dcd") return;
        var discriminator = _discriminator!;
        discriminator.train();
        var step = optimizer("teacher discriminator");
        step.zero_grad();
        var loss = 0.5 * (GanLoss.Of(discriminator.forward(discriminatorInput(source, target)), true, objective)
                          + GanLoss.Of(discriminator.forward(discriminatorInput(source, _teacherOutput)), false, objective));
        loss.backward();
        step.step();
        _last["D_T"] = loss.item<float>();
    }

    public Tensor Loss(Tensor studentOutput, INamedTensors studentFeatures)
    {
        if (_teacherOutput is null) throw new InvalidOperationException("the teacher phase runs before the student's loss");
        var maps = studentFeatures.Named.ToDictionary(n => n.Name, n => n.Tensor);
        var loss = zeros(1, device: studentOutput.device).squeeze();
        if (_settings.Method == "features" && _settings.Maps > 0)
        {
            var term = Sum(_taps.Select((k, i) => nn.functional.l1_loss(_adapters!.student[i].forward(maps[k]), _teacherFeatures[k])));
            _last["maps"] = term.item<float>();
            loss = loss + _settings.Maps * term;
        }
        if (_settings.Method == "dcd" && _settings.Dcd > 0)
        {
            var term = DiscriminatorFeatureLoss(maps);
            _last["DCD"] = term.item<float>();
            loss = loss + _settings.Dcd * term;
        }
        if (_styleNetwork != null && (_settings.Style > 0 || _settings.Perceptual > 0))
        {
            var student = _styleNetwork.Map(studentOutput);
            Tensor teacher;
            using (no_grad()) teacher = _styleNetwork.Map(_teacherOutput);
            if (_settings.Style > 0)
            {
                var style = GramMatrix.StyleLoss(student, teacher);
                _last["style"] = style.item<float>();
                loss = loss + _settings.Style * style;
            }
            if (_settings.Perceptual > 0)
            {
                var perceptual = nn.functional.l1_loss(student, teacher);
                _last["perceptual"] = perceptual.item<float>();
                loss = loss + _settings.Perceptual * perceptual;
            }
        }
        return loss;
    }

    /// <summary>L_DCD: the discriminator's features of the adapted student maps against those of the adapted teacher maps.</summary>
    internal Tensor DiscriminatorFeatureLoss(IReadOnlyDictionary<string, Tensor> studentMaps)
    {
        var discriminator = _discriminator!;
        var parameters = discriminator.parameters().ToList();
        var frozen = parameters.Select(p => p.requires_grad).ToList();
        foreach (var p in parameters) p.requires_grad_(false);
        try
        {
            var terms = _taps.Select((k, i) =>
            {
                Tensor teacher;
                using (no_grad()) teacher = Layer(discriminator, ToImageSize(_adapters!.teacher[i].forward(_teacherFeatures[k])));
                return nn.functional.l1_loss(Layer(discriminator, ToImageSize(_adapters!.student[i].forward(studentMaps[k]))), teacher);
            });
            return Sum(terms);
        }
        finally
        {
            for (var i = 0; i < parameters.Count; i++) parameters[i].requires_grad_(frozen[i]);
        }
    }

    /// <summary>
    /// An adapted map smaller than the discriminator's input is resized to it (bilinear): DCD taps
    /// a 256×256 CycleGAN at 64×64, inside the discriminator's reach, but small images give taps
    /// smaller than its receptive field.
    /// </summary>
    private Tensor ToImageSize(Tensor map) =>
        map.shape[2] >= _imageSize![0] && map.shape[3] >= _imageSize[1]
            ? map
            : nn.functional.interpolate(map, size: _imageSize, mode: InterpolationMode.Bilinear, align_corners: false);

    private Tensor Layer(nn.Module<Tensor, Tensor> discriminator, Tensor input)
    {
        var named = ((IFeatureTaps<Tensor>)discriminator).ForwardWithFeatures(input).Features.Named;
        var found = named.FirstOrDefault(n => n.Name == _settings.Layer);
        return found.Tensor ?? throw new ArgumentException($"the discriminator {discriminator.GetType().Name} has no feature '{_settings.Layer}'; it names {string.Join(", ", named.Select(n => n.Name))}");
    }

    private static Tensor Sum(IEnumerable<Tensor> terms) => terms.Aggregate((a, b) => a + b);

    public void Dispose() => _adapters?.Dispose();
}
