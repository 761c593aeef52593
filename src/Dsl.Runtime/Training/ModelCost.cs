using System.Linq;
using System.Reflection;
using static TorchSharp.torch;

namespace Dsl.Runtime.Training;

/// <summary>
/// A model's compile-time cost (the generated Macs constant, and for low bit-width models Bops
/// and Operations = BOPs/64 + full-precision MACs) and its live parameter count.
/// </summary>
public sealed record ModelCost(long? Macs, long Parameters, long? Bops = null, double? Operations = null)
{
    public static ModelCost Of(nn.Module<Tensor, Tensor> model)
    {
        object? Constant(string name) => model.GetType().GetField(name, BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
        return new ModelCost(Constant("Macs") as long?, model.parameters().Sum(p => p.numel()), Constant("Bops") as long?, Constant("Operations") as double?);
    }
}
