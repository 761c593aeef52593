using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Gan;

/// <summary>
/// The features FID compares: one named feature of a model (<c>feature pooled: p</c>), flattened
/// per image, computed in eval mode without gradients. FID proper uses Inception-v3's pool
/// features; a network trained on the images' own domain stands in where those weights are not
/// at hand (and a user's Inception, written in .cmodel with its weights loaded, takes its place).
/// </summary>
public sealed class FeatureNetwork
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly Func<Tensor, INamedTensors> _features;

    /// <param name="prepare">What turns images as they are given (a generator's, in [−1, 1]) into the network's input; null: as they are.</param>
    public FeatureNetwork(nn.Module<Tensor, Tensor> model, string feature, Func<Tensor, Tensor>? prepare = null)
    {
        if (model is not IFeatureTaps<Tensor> taps)
            throw new ArgumentException($"{model.GetType().Name} names no features; declare one (feature {feature}: h) in its .cmodel", nameof(model));
        _model = model;
        Feature = feature;
        _features = x => taps.ForwardWithFeatures(prepare is null ? x : prepare(x)).Features;
        foreach (var p in model.parameters()) p.requires_grad_(false);
    }

    public string Feature { get; }

    /// <summary>The feature map of a batch as a differentiable function of the images (the network's own weights stay frozen), for style and perceptual losses.</summary>
    public Tensor Map(Tensor images)
    {
        _model.eval();
        return Pick(_features(images).Named);
    }

    private Tensor Pick(System.Collections.Generic.IReadOnlyList<(string Name, Tensor Tensor)> named)
    {
        var found = named.FirstOrDefault(n => n.Name == Feature);
        return found.Tensor ?? throw new ArgumentException($"{_model.GetType().Name} has no feature '{Feature}'; it names {string.Join(", ", named.Select(n => n.Name))}");
    }

    /// <summary>Features [n, D] of images [n, ...], <paramref name="batch"/> at a time.</summary>
    public Tensor Of(Tensor images, int batch = 256)
    {
        _model.eval();
        using var noGrad = no_grad();
        var device = _model.parameters().First().device;
        var parts = new System.Collections.Generic.List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += batch)
        {
            using var scope = NewDisposeScope();
            var slice = images.narrow(0, start, Math.Min(batch, images.shape[0] - start)).to(device);
            parts.Add(Pick(_features(slice).Named).flatten(1).to(CPU).MoveToOuterDisposeScope());
        }
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }

    /// <summary>The Fréchet distance between the features of real and generated images.</summary>
    public double Fid(Tensor real, Tensor generated)
    {
        using var a = Of(real);
        using var b = Of(generated);
        return FrechetDistance.Between(a, b);
    }
}
