using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Benchmarks;

/// <summary>The training step the step benchmarks time: forward, cross-entropy, backward, update, in one dispose scope.</summary>
internal static class SgdStep
{
    public static float Run(nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer, Tensor images, Tensor labels)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(model.forward(images), labels);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }
}
