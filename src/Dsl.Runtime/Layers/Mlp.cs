using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>timm's Mlp: fc1 → GELU → dropout → fc2 → dropout.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> fc1;
    private readonly nn.Module<Tensor, Tensor> act;
    private readonly nn.Module<Tensor, Tensor> drop1;
    private readonly nn.Module<Tensor, Tensor> fc2;
    private readonly nn.Module<Tensor, Tensor> drop2;

    public Mlp(long inFeatures, long hidden, long outFeatures, double drop = 0, bool bias = true) : base(nameof(Mlp))
    {
        fc1 = nn.Linear(inFeatures, hidden, hasBias: bias);
        act = nn.GELU();
        drop1 = nn.Dropout(drop);
        fc2 = nn.Linear(hidden, outFeatures, hasBias: bias);
        drop2 = nn.Dropout(drop);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => drop2.forward(fc2.forward(drop1.forward(act.forward(fc1.forward(x)))));
}
