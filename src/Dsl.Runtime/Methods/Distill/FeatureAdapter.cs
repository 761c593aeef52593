using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// A feature map's adapter for generator distillation: a 1×1 convolution to
/// <c>outputs</c> channels, then (for DCD) BatchNorm and ReLU, as DCD maps a generator's
/// features to the discriminator's input.
/// </summary>
public sealed class FeatureAdapter : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d? norm;

    public FeatureAdapter(long inputs, long outputs, bool normalised) : base(nameof(FeatureAdapter))
    {
        conv = nn.Conv2d(inputs, outputs, 1);
        norm = normalised ? nn.BatchNorm2d(outputs) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = conv.forward(x);
        return norm is null ? y : nn.functional.relu(norm.forward(y));
    }
}
