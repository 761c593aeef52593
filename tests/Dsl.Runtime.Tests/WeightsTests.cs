using Dsl.Runtime.Data;
using Dsl.Runtime.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>State dicts written by real PyTorch (Fixtures/make_fixtures.py) load into the generated models and give PyTorch's outputs.</summary>
public class WeightsTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static TheoryData<string, string> Files => new()
    {
        { "fashion_resnet", ".pt" },
        { "fashion_resnet", ".safetensors" },
        { "tiny_vit", ".pt" },
        { "tiny_vit", ".safetensors" },
    };

    private static nn.Module<Tensor, Tensor> Create(string name) => name == "tiny_vit" ? new TinyViT() : new FashionResNet();

    [Theory]
    [MemberData(nameof(Files))]
    public void PyTorch_weights_give_PyTorchs_outputs(string name, string extension)
    {
        using var model = Create(name);
        var report = PyTorchWeights.Load(model, Fixture(name + extension));
        Assert.True(report.IsExact, report.ToString());
        var io = PyTorchWeights.Read(Fixture(name + "_io.pt"));
        model.eval();
        using var noGrad = no_grad();
        using var output = model.forward(io["input"]);
        var difference = (output - io["output"]).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"max difference {difference}");
    }

    [Fact]
    public void Saved_weights_load_back_unchanged()
    {
        using var model = new TinyViT();
        PyTorchWeights.Load(model, Fixture("tiny_vit.pt"));
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-{Guid.NewGuid():N}.safetensors");
        PyTorchWeights.Save(model, path);
        using var copy = new TinyViT();
        Assert.True(PyTorchWeights.Load(copy, path).IsExact);
        foreach (var (key, value) in model.state_dict()) Assert.True(value.allclose(copy.state_dict()[key], rtol: 0, atol: 0), key);
        File.Delete(path);
    }

    [Fact]
    public void Renamed_keys_load_a_file_saved_under_other_names_and_keys_mapped_to_null_are_left_out()
    {
        // A checkpoint of a wrapper (keys "net.*", plus a head the model lacks), as a torchvision VGG-16 holds a classifier beside its features.
        using var saved = new TinyNet();
        using var wrapper = nn.Sequential(("net", saved), ("extra", nn.Linear(2, 2)));
        Assert.Contains("net.conv2d.weight", wrapper.state_dict().Keys);
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-{Guid.NewGuid():N}.safetensors");
        PyTorchWeights.Save(wrapper, path);
        using var model = new TinyNet();
        Assert.Throws<DataFormatException>(() => PyTorchWeights.Load(model, path));
        Assert.True(PyTorchWeights.Load(model, path, rename: k => k.StartsWith("net.") ? k["net.".Length..] : null).IsExact);
        foreach (var (key, value) in saved.state_dict()) Assert.True(value.allclose(model.state_dict()[key], rtol: 0, atol: 0), key);
        File.Delete(path);
    }

    [Fact]
    public void A_mismatched_file_is_reported_by_key_and_changes_nothing()
    {
        using var model = new FashionResNet();
        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var error = Assert.Throws<DataFormatException>(() => PyTorchWeights.Load(model, Fixture("tiny_vit.pt")));
        Assert.Contains("tiny_vit.pt", error.Message);
        Assert.Contains("missing from the file", error.Message);
        Assert.Contains("conv2d.weight", error.Message);
        Assert.Contains("not in the model", error.Message);
        Assert.Contains("blocks.0.attn.qkv.weight", error.Message);
        foreach (var (key, value) in model.state_dict()) Assert.True(value.allclose(before[key], rtol: 0, atol: 0), key);
    }

    [Fact]
    public void Non_strict_loading_takes_what_matches_and_says_what_did_not()
    {
        using var model = new TinyViT(classes: 5);
        var report = PyTorchWeights.Load(model, Fixture("tiny_vit.pt"), strict: false);
        Assert.Equal(new[] { "head.weight: model [5, 32], file [10, 32]", "head.bias: model [5], file [10]" }, report.Mismatched.Select(m => m.ToString()));
        Assert.Empty(report.Missing);
        Assert.Equal(30, report.Loaded.Count);
    }

    [Fact]
    public void A_file_that_is_not_a_state_dict_names_itself()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cmodel-{Guid.NewGuid():N}.pt");
        File.WriteAllText(path, "not a pickle");
        var error = Assert.Throws<DataFormatException>(() => PyTorchWeights.Read(path));
        Assert.StartsWith(path + ":", error.Message);
        File.Delete(path);
    }
}
