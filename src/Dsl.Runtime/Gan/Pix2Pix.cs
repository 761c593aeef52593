using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Gan;

/// <summary>
/// Pix2Pix (Isola et al., 2017): a generator translates paired sources to targets against a
/// conditional discriminator that sees the source beside the image. Per batch the
/// discriminator steps on ½·(real pair → 1, generated pair → 0), then the generator on
/// "generated pair → 1" + <see cref="L1Weight"/>·|G(x) − y|₁. A generator declared with
/// <c>@distill(method: ...)</c> adds its method's terms; with DCD its collaborative teacher
/// discriminator, trained on the teacher's images, is the student's adversary, and the student
/// takes <see cref="IGeneratorDistiller.StudentSteps"/> updates per teacher phase.
/// </summary>
public sealed class Pix2Pix : GanRecipe
{
    private readonly nn.Module<Tensor, Tensor> _generator;
    private readonly nn.Module<Tensor, Tensor> _discriminator;
    private readonly IGeneratorDistiller? _distiller;
    private readonly List<string> _withStudent = new() { "generator" };

    public Pix2Pix(nn.Module<Tensor, Tensor> generator, nn.Module<Tensor, Tensor> discriminator, GanOptions options, double l1Weight = 100) : base(options)
    {
        (_generator, _discriminator, L1Weight) = (generator, discriminator, l1Weight);
        _distiller = (generator as IDistilledGenerator)?.Distillation.CreateDistiller(generator);
        if (_distiller != null && generator is not IFeatureTaps<Tensor>)
            throw new ArgumentException($"{generator.GetType().Name} is distilled at its named features, but names none");
    }

    public double L1Weight { get; }

    /// <summary>The distillation the generator brings, or null when it trains alone.</summary>
    public IGeneratorDistiller? Distiller => _distiller;

    /// <summary>What the discriminator sees: the source and the image, as channels.</summary>
    public static Tensor Pair(Tensor source, Tensor image) => cat(new[] { source, image }, 1);

    protected override IEnumerable<(string Name, nn.Module Module, IEnumerable<Parameter> Parameters)> Trained(Device device, Tensor probe)
    {
        _generator.to(device);
        yield return ("generator", _generator, _generator.parameters());
        // A distiller with its own adversary leaves the recipe's discriminator untrained, so it is not a part.
        if (_distiller?.Discriminator == null)
        {
            _discriminator.to(device);
            yield return ("discriminator", _discriminator, _discriminator.parameters());
        }
        foreach (var (name, module, parameters, withStudent) in _distiller?.Trained(device, probe, Pair) ?? Array.Empty<(string, nn.Module, IEnumerable<Parameter>, bool)>())
        {
            if (withStudent) _withStudent.Add(name);
            yield return (name, module, parameters);
        }
    }

    public override IReadOnlyDictionary<string, double> Step(Tensor source, Tensor target)
    {
        var losses = new Dictionary<string, double>();
        _generator.train();
        _distiller?.TeacherPhase(source, target, Pair, Options.Objective, Optimizer);
        var adversary = _distiller?.Discriminator ?? _discriminator;
        var updates = _distiller?.StudentSteps ?? 1;
        for (var update = 0; update < updates; update++)
        {
            using var scope = NewDisposeScope();
            var (fake, features) = Generate(source);
            if (_distiller?.Discriminator == null)
            {
                _discriminator.train();
                var optimizer = Optimizer("discriminator");
                optimizer.zero_grad();
                var detached = fake.detach();
                var lossD = 0.5 * (GanLoss.Of(_discriminator.forward(Pair(source, target)), true, Options.Objective)
                                   + GanLoss.Of(_discriminator.forward(Pair(source, detached)), false, Options.Objective));
                lossD.backward();
                optimizer.step();
                losses["D"] = lossD.item<float>();
            }
            var studentSide = _withStudent.Select(Optimizer).ToList();
            foreach (var optimizer in studentSide) optimizer.zero_grad();
            var adversarial = GanLoss.Of(adversary.forward(Pair(source, fake)), true, Options.Objective);
            var l1 = nn.functional.l1_loss(fake, target);
            var loss = adversarial + L1Weight * l1;
            if (_distiller != null) loss = loss + _distiller.Loss(fake, features!);
            loss.backward();
            foreach (var optimizer in studentSide) optimizer.step();
            losses["G_GAN"] = adversarial.item<float>();
            losses["G_L1"] = l1.item<float>();
        }
        foreach (var (name, value) in _distiller?.LastLosses ?? new Dictionary<string, double>()) losses[name] = value;
        return losses;
    }

    private (Tensor Output, INamedTensors? Features) Generate(Tensor source)
    {
        if (_distiller == null) return (_generator.forward(source), null);
        var (output, features) = ((IFeatureTaps<Tensor>)_generator).ForwardWithFeatures(source);
        return (output, features);
    }

    public override Tensor Translate(Tensor source)
    {
        _generator.eval();
        using var noGrad = no_grad();
        return _generator.forward(source);
    }

    public override void Dispose()
    {
        _distiller?.Dispose();
        base.Dispose();
    }
}
