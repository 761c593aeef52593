using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>A generated model with named outputs and features (TinyDetector in TinyNet.cmodel) at run time.</summary>
public class OutputsTests
{
    [Fact]
    public void Forward_returns_the_named_outputs_and_one_pass_gives_the_features_it_met()
    {
        manual_seed(3);
        using var model = new TinyDetector();
        model.eval();
        var x = randn(2, 1, 28, 28);
        var (outputs, features) = model.ForwardWithFeatures(x);
        Assert.Equal(new long[] { 2, 10 }, outputs.logits.shape);
        Assert.Equal(new long[] { 2, 4 }, outputs.boxes.shape);
        Assert.Equal(new[] { "logits", "boxes" }, outputs.Named.Select(n => n.Name));
        Assert.Equal(new[] { "stem", "embedding" }, features.Named.Select(n => n.Name));
        // The features are the tensors forward computes on the way: stem = relu(conv(x)),
        // embedding = project(flatten(max_pool(stem))), and the boxes a sigmoid of locate.
        var children = model.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        var stem = children["stem_conv"].forward(x).relu();
        Assert.True(stem.allclose(features.stem));
        var pooled = nn.functional.max_pool2d(stem, 2).flatten(1);
        Assert.True(children["project"].forward(pooled).allclose(features.embedding));
        Assert.True(children["locate"].forward(pooled).sigmoid().allclose(outputs.boxes));
        // forward is the same pass without the features.
        Assert.True(model.forward(x).logits.allclose(outputs.logits));
    }

    [Fact]
    public void Generic_code_reads_it_through_the_interfaces_and_its_shapes_by_name()
    {
        using var model = new TinyDetector();
        IFeatureTaps<TinyDetector.Outputs> taps = model;
        var (_, features) = taps.ForwardWithFeatures(randn(1, 1, 28, 28));
        Assert.Equal(new long[] { 1, 4, 14, 14 }, features.Named[0].Tensor.shape);
        Assert.Equal(new long[] { -1, 10 }, TinyDetector.OutputShapes["logits"]);
        Assert.Equal(new long[] { -1, 16 }, TinyDetector.FeatureShapes["embedding"]);
    }

    [Fact]
    public void A_model_of_two_inputs_is_a_module_of_both()
    {
        manual_seed(4);
        using var model = new TinyPair();
        nn.Module<Tensor, Tensor, Tensor> module = model;
        var (img, side) = (randn(3, 1, 28, 28), randn(3, 4));
        var logits = module.forward(img, side);
        Assert.Equal(new long[] { 3, 10 }, logits.shape);
        // By hand: classify(concat(embed(flatten(max_pool(img))), side)).
        var children = model.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        var h = children["embed"].forward(nn.functional.max_pool2d(img, 4).flatten(1));
        Assert.True(children["classify"].forward(cat(new[] { h, side }, 1)).allclose(logits));
        Assert.Equal(new long[] { -1, 4 }, TinyPair.InputShapes["side"]);
    }
}
