using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dsl.Runtime.Data;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dsl.Runtime.Weights;

/// <summary>
/// PyTorch state dicts (.pt/.pth, written by torch.save) and safetensors files, read and
/// written through TorchSharp.PyBridge, with a report of what matched by key.
/// </summary>
public static class PyTorchWeights
{
    /// <summary>
    /// Loads the file's tensors into the model. Strict (the default) refuses a file whose keys
    /// or shapes differ, changing nothing; otherwise the matching tensors load and the report
    /// says what did not.
    /// </summary>
    /// <param name="rename">Maps the file's keys to the model's (torchvision's VGG-16 keeps its
    /// convolutions at <c>features.0</c>, <c>features.2</c>, ...; a .cmodel names them); null keeps
    /// them. Keys it maps to null are left out.</param>
    public static LoadReport Load(nn.Module module, string path, bool strict = true, Func<string, string?>? rename = null)
    {
        var tensors = Read(path);
        if (rename != null)
        {
            var renamed = new Dictionary<string, Tensor>();
            foreach (var (key, value) in tensors)
            {
                if (rename(key) is { } name) renamed[name] = value;
                else value.Dispose();
            }
            tensors = renamed;
        }
        try
        {
            return StateDicts.Apply(module, tensors, strict, path);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>The tensors of a .pt/.pth or .safetensors file, by key.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such weights file", path);
        try
        {
            if (IsSafetensors(path)) return Safetensors.LoadStateDict(path);
            // torch.save writes a zip archive (since PyTorch 1.6); anything else would be described as "the old format".
            if (!StartsWithZip(path))
                throw new DataFormatException(path, "not a PyTorch checkpoint: torch.save writes a zip archive (PK…), and this file is not one; save with torch.save(model.state_dict(), path), or as .safetensors");
            var table = PyTorchUnpickler.UnpickleStateDict(path);
            var result = new Dictionary<string, Tensor>();
            foreach (DictionaryEntry entry in table)
            {
                if (entry.Value is not Tensor t) throw new DataFormatException(path, $"entry '{entry.Key}' is not a tensor; save model.state_dict(), not the model");
                result[(string)entry.Key] = t;
            }
            return result;
        }
        catch (Exception e) when (e is not DataFormatException and not FileNotFoundException)
        {
            throw new DataFormatException(path, $"not a readable PyTorch state dict or safetensors file ({e.GetType().Name}: {e.Message})");
        }
    }

    private static bool StartsWithZip(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return file.Read(head) == 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4;
    }

    /// <summary>Writes the model's state dict for torch.load, or as safetensors by extension.</summary>
    public static void Save(nn.Module module, string path)
    {
        var temporary = path + ".tmp";
        if (IsSafetensors(path)) module.save_safetensors(temporary); else module.save_py(temporary);
        File.Move(temporary, path, overwrite: true);
    }

    private static bool IsSafetensors(string path) => path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);
}
