using System.Collections.Generic;
using System.Linq;
using Dsl.Runtime.Data;
using Dsl.Runtime.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Winograd;

/// <summary>
/// A model with @winograd layers and the spatial weights of the same network (a PyTorch
/// checkpoint of plain conv3d layers, or a direct model's): each Winograd layer takes its
/// conv3d's <c>weight</c> and <c>bias</c> through <see cref="WinogradLayer.LoadSpatial"/>, every
/// other tensor loads as usual.
/// </summary>
public static class WinogradWeights
{
    public static LoadReport LoadSpatial(nn.Module model, string path)
    {
        var report = PyTorchWeights.Load(model, path, strict: false);
        var tensors = PyTorchWeights.Read(path);
        var layers = model.named_modules().Where(m => m.module is WinogradLayer).Select(m => (Name: m.name, Layer: (WinogradLayer)m.module)).ToList();
        var taken = new HashSet<string>();
        foreach (var (name, layer) in layers)
        {
            if (!tensors.TryGetValue($"{name}.weight", out var weight))
                throw new DataFormatException(path, $"has no '{name}.weight' for the Winograd layer '{name}'");
            layer.LoadSpatial(weight, tensors.GetValueOrDefault($"{name}.bias"));
            taken.Add($"{name}.weight");
            taken.Add($"{name}.bias");
        }
        var prefixes = layers.Select(l => l.Name + ".").ToList();
        bool OfWinograd(string key) => prefixes.Any(p => key.StartsWith(p, System.StringComparison.Ordinal));
        foreach (var t in tensors.Values) t.Dispose();
        return report with
        {
            Loaded = report.Loaded.Concat(taken.Where(k => report.Unexpected.Contains(k))).ToList(),
            Missing = report.Missing.Where(k => !OfWinograd(k)).ToList(),
            Unexpected = report.Unexpected.Where(k => !taken.Contains(k)).ToList(),
        };
    }
}
