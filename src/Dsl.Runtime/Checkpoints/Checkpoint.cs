using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dsl.Runtime.Data;
using Dsl.Runtime.Weights;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Checkpoints;

/// <summary>
/// A training checkpoint: model, optimizer, run state and the RNG, in one file that ends with
/// a SHA-256 of everything before it. Saving writes a temporary file and renames it, so an
/// interruption never leaves a half-written checkpoint; loading checks the whole file and the
/// model's keys and shapes before it changes anything.
/// </summary>
public static class Checkpoint
{
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("CMODELCK");
    private const int FormatVersion = 1;

    public static void Save(string path, nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer, CheckpointState state)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(JsonSerializer.Serialize(state));
            TensorSerializer.Write(writer, model.state_dict());
            using var optimizerBytes = new MemoryStream();
            using (var optimizerWriter = new BinaryWriter(optimizerBytes, Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(optimizerWriter);
            writer.Write(optimizerBytes.Length);
            writer.Write(optimizerBytes.ToArray());
            using var rng = get_rng_state();
            var rngBytes = rng.bytes.ToArray();
            writer.Write(rngBytes.Length);
            writer.Write(rngBytes);
        }
        var bytes = body.ToArray();
        var temporary = path + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using (var file = File.Create(temporary))
        {
            file.Write(bytes);
            file.Write(SHA256.HashData(bytes));
            // On disk before the rename, so a power cut leaves the old checkpoint or the new one, never a torn one.
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Restores model, optimizer and RNG; throws <see cref="DataFormatException"/> naming the file, changing nothing, if it is not a sound checkpoint of this model.</summary>
    public static CheckpointState Load(string path, nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer)
    {
        var bytes = ReadVerified(path);
        using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 32), Encoding.UTF8);
        reader.ReadBytes(Magic.Length);
        var version = reader.ReadInt32();
        if (version != FormatVersion) throw new DataFormatException(path, $"checkpoint format {version} is not supported (this CModel reads format {FormatVersion})");
        var state = JsonSerializer.Deserialize<CheckpointState>(reader.ReadString())
            ?? throw new DataFormatException(path, "the checkpoint has no run state");
        if (state.ModelType != model.GetType().Name)
            throw new DataFormatException(path, $"this checkpoint is of model {state.ModelType}, not {model.GetType().Name}");
        var tensors = TensorSerializer.Read(reader);
        try
        {
            var report = StateDicts.Compare(model, tensors);
            if (!report.IsExact) throw new DataFormatException(path, "the checkpoint's tensors do not match the model:\n" + report);
            var optimizerBytes = reader.ReadBytes((int)reader.ReadInt64());
            var rngBytes = reader.ReadBytes(reader.ReadInt32());
            using var rng = get_rng_state();
            if (rng.bytes.Length != rngBytes.Length) throw new DataFormatException(path, "the checkpoint's random-number state has the wrong size");
            // Everything that can fail comes before the model changes: the optimizer first, put back if it refuses the state.
            LoadOptimizer(path, optimizer, optimizerBytes);
            StateDicts.Apply(model, tensors, strict: true, path);
            rng.bytes = rngBytes;
            set_rng_state(rng);
            // A temporary file left by a save that was killed is never a checkpoint; the sound one is loaded.
            if (File.Exists(path + ".tmp")) File.Delete(path + ".tmp");
            return state;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private static void LoadOptimizer(string path, OptimizerHelper optimizer, byte[] state)
    {
        using var before = new MemoryStream();
        using (var writer = new BinaryWriter(before, Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(writer);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(state));
            optimizer.load_state_dict(reader);
        }
        catch (Exception e) when (e is not DataFormatException)
        {
            before.Position = 0;
            using (var reader = new BinaryReader(before)) optimizer.load_state_dict(reader);
            throw new DataFormatException(path, $"the checkpoint's optimizer state does not fit this optimizer ({e.Message}); it was saved with another optimizer or settings");
        }
    }

    private static byte[] ReadVerified(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such checkpoint", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new DataFormatException(path, "not a CModel checkpoint (it does not start with CMODELCK)");
        if (bytes.Length < Magic.Length + 32 || !SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
            throw new DataFormatException(path, "the checkpoint is truncated or corrupt (its SHA-256 does not match)");
        return bytes;
    }
}
