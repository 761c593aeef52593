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
/// A training checkpoint: model, optimizer, run state and the RNG, then each companion model
/// with its optimizer (a GAN's discriminator), in one file that ends with a SHA-256 of
/// everything before it (a GAN run saves each of its models so). Saving writes a temporary file and renames it, so an
/// interruption never leaves a half-written checkpoint; loading checks the whole file and the
/// model's keys and shapes before it changes anything.
/// </summary>
public static class Checkpoint
{
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("CMODELCK");
    private const int FormatVersion = 2;

    /// <param name="companions">Models trained beside <paramref name="model"/> with their own optimizers, in the run's order.</param>
    public static void Save(string path, nn.Module model, OptimizerHelper optimizer, CheckpointState state,
        IReadOnlyList<(nn.Module Model, OptimizerHelper Optimizer)>? companions = null)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(JsonSerializer.Serialize(state));
            TensorSerializer.Write(writer, model.state_dict());
            WriteOptimizer(writer, optimizer);
            using var rng = get_rng_state();
            var rngBytes = rng.bytes.ToArray();
            writer.Write(rngBytes.Length);
            writer.Write(rngBytes);
            writer.Write(companions?.Count ?? 0);
            foreach (var (companion, companionOptimizer) in companions ?? Array.Empty<(nn.Module, OptimizerHelper)>())
            {
                writer.Write(companion.GetType().Name);
                TensorSerializer.Write(writer, companion.state_dict());
                WriteOptimizer(writer, companionOptimizer);
            }
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

    private static void WriteOptimizer(BinaryWriter writer, OptimizerHelper optimizer)
    {
        using var optimizerBytes = new MemoryStream();
        using (var optimizerWriter = new BinaryWriter(optimizerBytes, Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(optimizerWriter);
        writer.Write(optimizerBytes.Length);
        writer.Write(optimizerBytes.ToArray());
    }

    /// <summary>A verified checkpoint of <paramref name="model"/>'s type, read past its format version and run state.</summary>
    private static BinaryReader Open(string path, nn.Module model, out int version, out CheckpointState state)
    {
        var bytes = ReadVerified(path);
        var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 32), Encoding.UTF8);
        reader.ReadBytes(Magic.Length);
        version = reader.ReadInt32();
        if (version is < 1 or > FormatVersion) throw new DataFormatException(path, $"checkpoint format {version} is not supported (this CModel reads formats 1 to {FormatVersion})");
        state = JsonSerializer.Deserialize<CheckpointState>(reader.ReadString())
            ?? throw new DataFormatException(path, "the checkpoint has no run state");
        if (state.ModelType != model.GetType().Name)
            throw new DataFormatException(path, $"this checkpoint is of model {state.ModelType}, not {model.GetType().Name}");
        return reader;
    }

    /// <summary>
    /// Restores only the model's weights from a checkpoint (to export or evaluate it); throws
    /// <see cref="DataFormatException"/> naming the file, changing nothing, if they do not fit.
    /// </summary>
    public static void LoadWeights(string path, nn.Module model)
    {
        using var reader = Open(path, model, out _, out _);
        Dictionary<string, Tensor> tensors;
        try
        {
            tensors = TensorSerializer.Read(reader);
        }
        catch (EndOfStreamException)
        {
            throw new DataFormatException(path, "the checkpoint ends early");
        }
        var report = StateDicts.Compare(model, tensors);
        if (!report.IsExact) throw new DataFormatException(path, "the checkpoint's tensors do not match the model:\n" + report);
        StateDicts.Apply(model, tensors, strict: true, path);
    }

    /// <summary>
    /// Restores model, optimizer and RNG, and each companion with its optimizer; throws
    /// <see cref="DataFormatException"/> naming the file, changing nothing, if it is not a sound
    /// checkpoint of this run. Format 1 (before companions) is read as a run without them.
    /// </summary>
    public static CheckpointState Load(string path, nn.Module model, OptimizerHelper optimizer,
        IReadOnlyList<(nn.Module Model, OptimizerHelper Optimizer)>? companions = null)
    {
        companions ??= Array.Empty<(nn.Module, OptimizerHelper)>();
        using var reader = Open(path, model, out var version, out var state);
        var parts = new List<(nn.Module Model, OptimizerHelper Optimizer, Dictionary<string, Tensor> Tensors, byte[] OptimizerState)>();
        try
        {
            parts.Add((model, optimizer, TensorSerializer.Read(reader), reader.ReadBytes((int)reader.ReadInt64())));
            var rngBytes = reader.ReadBytes(reader.ReadInt32());
            using var rng = get_rng_state();
            if (rng.bytes.Length != rngBytes.Length) throw new DataFormatException(path, "the checkpoint's random-number state has the wrong size");
            var saved = version == 1 ? 0 : reader.ReadInt32();
            if (saved != companions.Count)
                throw new DataFormatException(path, $"this checkpoint holds {saved} companion model(s) but the run trains {companions.Count}");
            foreach (var (companion, companionOptimizer) in companions)
            {
                var type = reader.ReadString();
                if (type != companion.GetType().Name) throw new DataFormatException(path, $"this checkpoint's companion is a {type}, not a {companion.GetType().Name}");
                parts.Add((companion, companionOptimizer, TensorSerializer.Read(reader), reader.ReadBytes((int)reader.ReadInt64())));
            }
            foreach (var part in parts)
            {
                var report = StateDicts.Compare(part.Model, part.Tensors);
                if (!report.IsExact) throw new DataFormatException(path, $"the checkpoint's tensors do not match {(part.Model == model ? "the model" : part.Model.GetType().Name)}:\n" + report);
            }
            // Everything that can fail comes before a model changes: the optimizers first, all put back if one refuses its state.
            LoadOptimizers(path, parts.Select(p => (p.Optimizer, p.OptimizerState)).ToList());
            foreach (var part in parts) StateDicts.Apply(part.Model, part.Tensors, strict: true, path);
            rng.bytes = rngBytes;
            set_rng_state(rng);
            // A temporary file left by a save that was killed is never a checkpoint; the sound one is loaded.
            if (File.Exists(path + ".tmp")) File.Delete(path + ".tmp");
            return state;
        }
        catch (EndOfStreamException)
        {
            throw new DataFormatException(path, "the checkpoint ends before the models it names");
        }
        finally
        {
            foreach (var t in parts.SelectMany(p => p.Tensors.Values)) t.Dispose();
        }
    }

    private static void LoadOptimizers(string path, IReadOnlyList<(OptimizerHelper Optimizer, byte[] State)> optimizers)
    {
        var before = optimizers.Select(o =>
        {
            var saved = new MemoryStream();
            using (var writer = new BinaryWriter(saved, Encoding.UTF8, leaveOpen: true)) o.Optimizer.save_state_dict(writer);
            return saved;
        }).ToList();
        var loaded = 0;
        try
        {
            foreach (var (optimizer, state) in optimizers)
            {
                using var reader = new BinaryReader(new MemoryStream(state));
                optimizer.load_state_dict(reader);
                loaded++;
            }
        }
        catch (Exception e) when (e is not DataFormatException)
        {
            for (var i = 0; i <= Math.Min(loaded, optimizers.Count - 1); i++)
            {
                before[i].Position = 0;
                using var reader = new BinaryReader(before[i]);
                optimizers[i].Optimizer.load_state_dict(reader);
            }
            throw new DataFormatException(path, $"the checkpoint's optimizer state does not fit {(loaded == 0 ? "this optimizer" : "a companion's optimizer")} ({e.Message}); it was saved with another optimizer or settings");
        }
        finally
        {
            foreach (var stream in before) stream.Dispose();
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
