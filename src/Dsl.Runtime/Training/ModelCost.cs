using System.Linq;
using System.Reflection;
using static TorchSharp.torch;

namespace Dsl.Runtime.Training;

/// <summary>A model's compile-time cost (the generated Macs constant) and its live parameter count.</summary>
public sealed record ModelCost(long? Macs, long Parameters)
{
    public static ModelCost Of(nn.Module<Tensor, Tensor> model)
    {
        var macs = model.GetType().GetField("Macs", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as long?;
        return new ModelCost(macs, model.parameters().Sum(p => p.numel()));
    }
}
