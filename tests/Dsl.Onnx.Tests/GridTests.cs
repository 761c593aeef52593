using Dsl.Runtime.LowBit;
using Onnx;
using static TorchSharp.torch;

namespace Dsl.Onnx.Tests;

/// <summary>
/// A @quant model's QDQ file holds LSQ's own integer grid: each weight's stored integers lie in the
/// b-bit range and, times the learned step, give the weight the runtime computes with; each
/// activation's Clip keeps the b-bit levels.
/// </summary>
public class GridTests
{
    [Theory]
    [InlineData("SmallCnnW4A4", 4)]
    [InlineData("SmallCnnW2A2", 2)]
    [InlineData("SmallViTW4A4", 4)]
    public void The_exported_integers_are_the_lsq_grid(string name, int bits)
    {
        var (model, file) = Export(name);
        var initializers = file.Graph.Initializer.ToDictionary(i => i.Name);
        var layers = model.named_modules().Where(m => m.module is LowBitLayer).ToList();
        Assert.NotEmpty(layers);
        foreach (var (path, module) in layers)
        {
            var layer = (LowBitLayer)module;
            var integers = initializers[path + ".weight_quantized"];
            Assert.Equal((int)TensorProto.Types.DataType.Int8, integers.DataType);
            var levels = tensor(integers.RawData.ToByteArray().Select(b => (float)(sbyte)b).ToArray()).reshape(integers.Dims.ToArray());
            // Signed b-bit weights: −2^(b−1) … 2^(b−1) − 1.
            Assert.True(levels.min().item<float>() >= -(1 << (bits - 1)) && levels.max().item<float>() <= (1 << (bits - 1)) - 1, path);
            var step = Floats(initializers[path + ".weight_scale"]);
            var perChannel = step.numel() > 1 ? step.reshape(Enumerable.Range(0, (int)levels.dim()).Select(d => d == 0 ? step.numel() : 1L).ToArray()) : step;
            using var noGrad = no_grad();
            // The runtime's weight, in steps, is its level up to float rounding (its straight-through round adds an ulp).
            var runtimeLevels = (layer.QuantizedWeight() / perChannel).round();
            Assert.True(levels.eq(runtimeLevels).all().item<bool>(), $"{path}: the stored integers are not the runtime's levels");
            Assert.True((levels * perChannel - layer.QuantizedWeight()).abs().le(1e-6).all().item<bool>(), $"{path}: the stored step is not the runtime's");
        }
        var clips = file.Graph.Node.Where(n => n.OpType == "Clip" && n.Input.Count == 3 && n.Input[1].EndsWith("input_min")).ToList();
        Assert.NotEmpty(clips);
        foreach (var clip in clips)
        {
            var (low, high) = (initializers[clip.Input[1]], initializers[clip.Input[2]]);
            var unsigned = low.DataType == (int)TensorProto.Types.DataType.Uint8;
            var range = unsigned ? (0, (1 << bits) - 1) : (-(1 << (bits - 1)), (1 << (bits - 1)) - 1);
            Assert.Equal(range, (Integer(low), Integer(high)));
        }
    }

    private static (nn.Module Model, ModelProto File) Export(string name)
    {
        var source = ExportedModels.SourceOf(name);
        var type = ExportedModels.Find(name);
        manual_seed(5);
        var model = ExportedModels.Create(type);
        ParityTests.Warm(model, ExportedModels.InputShape(type, 4));
        model.eval();
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-grid-{name}-{Environment.ProcessId}.onnx");
        try
        {
            OnnxExport.Export(ParityTests.Compile(source), File.ReadAllText(source), name, model, path);
            return (model, ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Tensor Floats(TensorProto t) =>
        tensor(Enumerable.Range(0, t.RawData.Length / 4).Select(i => BitConverter.ToSingle(t.RawData.Span.Slice(4 * i, 4))).ToArray());

    private static int Integer(TensorProto t) => t.DataType == (int)TensorProto.Types.DataType.Uint8 ? t.RawData[0] : (sbyte)t.RawData[0];
}
