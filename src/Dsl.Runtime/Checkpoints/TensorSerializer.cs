using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Checkpoints;

/// <summary>A state dict as bytes: per tensor its name, dtype, shape and raw contents.</summary>
internal static class TensorSerializer
{
    public static void Write(BinaryWriter writer, IReadOnlyDictionary<string, Tensor> tensors)
    {
        writer.Write(tensors.Count);
        foreach (var pair in tensors)
        {
            using var cpu = pair.Value.detach().cpu().contiguous();
            writer.Write(pair.Key);
            writer.Write((int)cpu.dtype);
            writer.Write(cpu.shape.Length);
            foreach (var d in cpu.shape) writer.Write(d);
            var bytes = cpu.bytes;
            writer.Write(bytes.Length);
            writer.Write(bytes);
        }
    }

    public static Dictionary<string, Tensor> Read(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        var result = new Dictionary<string, Tensor>();
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var dtype = (ScalarType)reader.ReadInt32();
            var shape = new long[reader.ReadInt32()];
            for (var d = 0; d < shape.Length; d++) shape[d] = reader.ReadInt64();
            var bytes = reader.ReadBytes(reader.ReadInt32());
            var t = empty(shape, dtype);
            if (t.bytes.Length != bytes.Length) throw new InvalidDataException($"tensor {name} has {bytes.Length} bytes for shape [{string.Join(", ", shape)}]");
            t.bytes = bytes;
            result[name] = t;
        }
        return result;
    }
}
