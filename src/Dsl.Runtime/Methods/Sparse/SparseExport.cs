using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dsl.Runtime.LowBit;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dsl.Runtime.Sparse;

/// <summary>One N:M sparse layer as trained: the most weights kept in any group of M along its reduced dimension, and the fraction kept.</summary>
public sealed record SparsePattern(string Layer, long Kept, long GroupSize, double Density)
{
    public override string ToString() => $"{Layer}: {Kept}:{GroupSize}, {Density:P1} of its weights";
}

/// <summary>
/// Deploying an N:M sparse model: its weights with the zeros in place, as a dense model of the
/// same layers holds them (the masks and permutations left out), and the pattern each layer has.
/// </summary>
public static class SparseExport
{
    /// <summary>The state dict with each sparse layer's weight ⊙ its forward mask, without the sparsity buffers.</summary>
    public static Dictionary<string, Tensor> MaskedStateDict(nn.Module model)
    {
        var sparse = Layers(model).ToList();
        var buffers = model.named_modules().Where(m => m.module is NmSparsity).Select(m => m.name + ".").ToList();
        var result = new Dictionary<string, Tensor>();
        foreach (var (key, value) in model.state_dict())
        {
            if (buffers.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal))) continue;
            var owner = sparse.FirstOrDefault(s => key == s.Name + ".weight");
            using var noGrad = no_grad();
            result[key] = owner.Sparsity != null ? (value * owner.Sparsity.ForwardMask).detach() : value.detach();
        }
        return result;
    }

    /// <summary>Writes <see cref="MaskedStateDict"/> for torch.load, or as safetensors by extension, through a temporary file.</summary>
    public static void Save(nn.Module model, string path)
    {
        var temporary = path + ".tmp";
        var weights = MaskedStateDict(model);
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) Safetensors.SaveStateDict(temporary, weights);
        else
        {
            using var file = File.Create(temporary);
            PyTorchPickler.PickleStateDict(file, weights);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The pattern each sparse layer computes with, measured on its masked weight.</summary>
    public static IReadOnlyList<SparsePattern> Patterns(nn.Module model) => Layers(model).Select(s =>
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var masked = s.Layer.Weight * s.Sparsity.ForwardMask;
        var groups = masked.reshape(masked.shape[0], -1, s.Sparsity.GroupSize).ne(0).sum(2);
        return new SparsePattern(s.Name, groups.max().item<long>(), s.Sparsity.GroupSize, masked.ne(0).sum().item<long>() / (double)masked.numel());
    }).ToList();

    private static IEnumerable<(string Name, LowBitLayer Layer, NmSparsity Sparsity)> Layers(nn.Module model) =>
        model.named_modules()
            .Where(m => m.module is LowBitLayer)
            .Select(m => (m.name, Layer: (LowBitLayer)m.module, Sparsity: m.module.modules().OfType<NmSparsity>().FirstOrDefault()!))
            .Where(s => s.Sparsity != null);
}
