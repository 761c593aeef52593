using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>x + b with one learnable b per channel (dimension 1), initialised to 0: ReActNet's shift of a sign's threshold or a PReLU's origin.</summary>
public sealed class LearnableBias : nn.Module<Tensor, Tensor>
{
    private readonly Parameter bias;

    public LearnableBias(long channels) : base(nameof(LearnableBias))
    {
        bias = new Parameter(zeros(channels));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var shape = new long[x.dim()];
        System.Array.Fill(shape, 1L);
        shape[1] = -1;
        return x + bias.reshape(shape);
    }
}
