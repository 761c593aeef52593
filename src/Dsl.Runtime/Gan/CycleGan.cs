using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Gan;

/// <summary>
/// CycleGAN (Zhu et al., 2017) on unpaired domains A and B: G_A translates A → B and G_B back,
/// D_A judges domain B and D_B domain A. The generators step together on the adversarial losses
/// + <see cref="CycleWeight"/>·(|G_B(G_A(a)) − a|₁ + |G_A(G_B(b)) − b|₁) +
/// <see cref="IdentityWeight"/>·<see cref="CycleWeight"/>·(|G_A(b) − b|₁ + |G_B(a) − a|₁); then each
/// discriminator on ½·(real → 1, a fake drawn from its <see cref="ImagePool"/> of 50 → 0).
/// </summary>
public sealed class CycleGan : GanRecipe
{
    private readonly nn.Module<Tensor, Tensor> _generatorA, _generatorB, _discriminatorA, _discriminatorB;
    private readonly ImagePool _poolA, _poolB;

    public CycleGan(nn.Module<Tensor, Tensor> generatorA, nn.Module<Tensor, Tensor> generatorB,
        nn.Module<Tensor, Tensor> discriminatorA, nn.Module<Tensor, Tensor> discriminatorB, GanOptions options,
        double cycleWeight = 10, double identityWeight = 0.5, int poolSize = 50) : base(options)
    {
        (_generatorA, _generatorB, _discriminatorA, _discriminatorB) = (generatorA, generatorB, discriminatorA, discriminatorB);
        (CycleWeight, IdentityWeight) = (cycleWeight, identityWeight);
        (_poolA, _poolB) = (new ImagePool(poolSize, options.Seed), new ImagePool(poolSize, options.Seed + 1));
    }

    public double CycleWeight { get; }
    public double IdentityWeight { get; }

    protected override IEnumerable<(string Name, nn.Module Module, IEnumerable<Parameter> Parameters)> Trained(Device device, Tensor probe)
    {
        foreach (var m in new[] { _generatorA, _generatorB, _discriminatorA, _discriminatorB }) m.to(device);
        // The two generators share one optimizer, as CycleGAN's; the checkpoint holds it with G_A.
        yield return ("generators", nn.ModuleList(_generatorA, _generatorB), Both(_generatorA, _generatorB));
        yield return ("D_A", _discriminatorA, _discriminatorA.parameters());
        yield return ("D_B", _discriminatorB, _discriminatorB.parameters());
    }

    private static IEnumerable<Parameter> Both(nn.Module a, nn.Module b)
    {
        foreach (var p in a.parameters()) yield return p;
        foreach (var p in b.parameters()) yield return p;
    }

    public override IReadOnlyDictionary<string, double> Step(Tensor a, Tensor b)
    {
        var objective = Options.Objective;
        foreach (var m in new[] { _generatorA, _generatorB, _discriminatorA, _discriminatorB }) m.train();
        var fakeB = _generatorA.forward(a);
        var fakeA = _generatorB.forward(b);
        var generators = Optimizer("generators");
        generators.zero_grad();
        var adversarialA = GanLoss.Of(_discriminatorA.forward(fakeB), true, objective);
        var adversarialB = GanLoss.Of(_discriminatorB.forward(fakeA), true, objective);
        var cycle = nn.functional.l1_loss(_generatorB.forward(fakeB), a) + nn.functional.l1_loss(_generatorA.forward(fakeA), b);
        var loss = adversarialA + adversarialB + CycleWeight * cycle;
        Tensor? identity = null;
        if (IdentityWeight > 0)
        {
            identity = nn.functional.l1_loss(_generatorA.forward(b), b) + nn.functional.l1_loss(_generatorB.forward(a), a);
            loss = loss + IdentityWeight * CycleWeight * identity;
        }
        loss.backward();
        generators.step();
        var lossDA = DiscriminatorStep(_discriminatorA, "D_A", b, _poolA.Query(fakeB));
        var lossDB = DiscriminatorStep(_discriminatorB, "D_B", a, _poolB.Query(fakeA));
        return new Dictionary<string, double>
        {
            ["G_A"] = adversarialA.item<float>(), ["G_B"] = adversarialB.item<float>(), ["cycle"] = cycle.item<float>(),
            ["idt"] = identity?.item<float>() ?? 0, ["D_A"] = lossDA, ["D_B"] = lossDB,
        };
    }

    private double DiscriminatorStep(nn.Module<Tensor, Tensor> discriminator, string name, Tensor real, Tensor pooledFake)
    {
        var optimizer = Optimizer(name);
        optimizer.zero_grad();
        var loss = 0.5 * (GanLoss.Of(discriminator.forward(real), true, Options.Objective) + GanLoss.Of(discriminator.forward(pooledFake), false, Options.Objective));
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    /// <summary>G_A's translation of domain A.</summary>
    public override Tensor Translate(Tensor source)
    {
        _generatorA.eval();
        using var noGrad = no_grad();
        return _generatorA.forward(source);
    }

    public override void Dispose()
    {
        _poolA.Dispose();
        _poolB.Dispose();
        base.Dispose();
    }
}
