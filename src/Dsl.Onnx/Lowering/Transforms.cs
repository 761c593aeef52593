using System.Linq;
using Dsl.Onnx.Methods;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Onnx.Lowering;

/// <summary>Lowers a runtime transform by its type through the methods' registered lowerings; a chain (several methods on one layer) in order.</summary>
internal static class Transforms
{
    public static string Activation(LayerContext c, nn.Module<Tensor, Tensor> module, string input) => module is Sequential chain
        ? chain.children().OfType<nn.Module<Tensor, Tensor>>().Aggregate(input, (value, part) => Activation(c, part, value))
        : Find(c, module).Activation(c, module, input);

    public static WeightValue Weight(LayerContext c, nn.Module<Tensor, Tensor> module, WeightValue weight, long outputAxis) => module is Sequential chain
        ? chain.children().OfType<nn.Module<Tensor, Tensor>>().Aggregate(weight, (value, part) => Weight(c, part, value, outputAxis))
        : Find(c, module).Weight(c, module, weight, outputAxis);

    private static ITransformLowering Find(LayerContext c, nn.Module module) =>
        OnnxMethods.Transform(module.GetType())
        ?? throw new OnnxExportException($"{c.Name}: the ONNX back end has no lowering for the runtime transform {module.GetType().Name}");
}
