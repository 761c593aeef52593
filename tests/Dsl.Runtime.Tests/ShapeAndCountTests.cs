using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>
/// For every generated model (the samples and one model per layer): TorchSharp's output shape
/// equals the shape the compiler inferred, and the parameters it holds number what the cost
/// model counted.
/// </summary>
public class ShapeAndCountTests
{
    // CycleGAN's generator at 256×256 (56.8 GMACs) takes seconds a pass; the sample's 32×32 generators have its layers.
    private const long MaxMacsPerSample = 10_000_000_000;

    public static IEnumerable<object[]> Models() =>
        GeneratedModels.All().Where(t => (long)t.GetField("Macs")!.GetValue(null)! <= MaxMacsPerSample).Select(t => new object[] { t.Name });

    [Theory]
    [MemberData(nameof(Models))]
    public void Forward_gives_the_inferred_shape_and_the_counted_parameters(string name)
    {
        var type = GeneratedModels.All().Single(t => t.Name == name);
        torch.manual_seed(1);
        using var scope = torch.NewDisposeScope();
        var model = GeneratedModels.Create(type);
        model.eval();
        var input = GeneratedModels.Shape(type, "InputShape").Select(d => d < 0 ? 2 : d).ToArray();
        using var noGrad = torch.no_grad();
        var output = model.forward(torch.randn(input));
        var expected = GeneratedModels.Shape(type, "OutputShape").Select(d => d < 0 ? 2 : d).ToArray();
        Assert.Equal(expected, output.shape);
        Assert.Equal((long)type.GetField("ParameterCount")!.GetValue(null)!, model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Every_layer_of_the_language_is_exercised_by_a_model()
    {
        var source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Models", "EveryLayer.cmodel"));
        var missing = Dsl.Parser.Layers.LayerCatalog.All.Keys.Where(layer => !source.Contains(layer, StringComparison.Ordinal)).ToList();
        Assert.Empty(missing);
    }
}
