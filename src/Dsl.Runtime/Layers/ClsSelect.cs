using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>The class token's features: [N, T, C] → [N, C].</summary>
public sealed class ClsSelect : nn.Module<Tensor, Tensor>
{
    public ClsSelect() : base(nameof(ClsSelect))
    {
    }

    public override Tensor forward(Tensor x) => x.select(1, 0);
}
