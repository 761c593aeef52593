using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Runtime.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Weights;

/// <summary>Matching a dictionary of tensors against a model's state dict, and copying it in.</summary>
public static class StateDicts
{
    public static LoadReport Compare(nn.Module module, IReadOnlyDictionary<string, Tensor> source)
    {
        var target = module.state_dict();
        var missing = target.Keys.Where(k => !source.ContainsKey(k)).ToList();
        var unexpected = source.Keys.Where(k => !target.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var mismatched = target.Where(p => source.TryGetValue(p.Key, out var s) && !s.shape.SequenceEqual(p.Value.shape))
            .Select(p => new ShapeMismatch(p.Key, p.Value.shape, source[p.Key].shape)).ToList();
        var loaded = target.Keys.Where(k => source.ContainsKey(k) && mismatched.All(m => m.Key != k)).ToList();
        return new LoadReport(loaded, missing, unexpected, mismatched);
    }

    /// <summary>
    /// Copies the matching tensors into the model. Strict: unless every key and shape matches,
    /// throws (naming <paramref name="path"/>) and changes nothing.
    /// </summary>
    public static LoadReport Apply(nn.Module module, IReadOnlyDictionary<string, Tensor> source, bool strict, string path)
    {
        var report = Compare(module, source);
        if (strict && !report.IsExact) throw new DataFormatException(path, "its tensors do not match the model:\n" + report);
        var target = module.state_dict();
        using (no_grad())
        {
            foreach (var key in report.Loaded)
            {
                using var value = source[key].to(target[key].device).to_type(target[key].dtype);
                target[key].copy_(value);
            }
        }
        return report;
    }
}
